"""Twins of predictor_object_called.py. A plain class whose `__call__` runs a network put in eval mode
by the helper `__init__` calls, but whose caller backpropagates what it returns (an attack that
needs the input's gradient); a network another method puts back in training mode after calling the
same helper (`reload`): its mode is unknown where `run` runs it; a plain class whose `__call__` is a
training step."""
import torch
from detzoo import build_detector


class Scorer:
    def __init__(self, config):
        self._init_network(config)

    def _init_network(self, config):
        self.net = build_detector(config["architecture"])
        self.net.eval()

    def __call__(self, images):
        return self.net(images)


def attack(config, images, labels):
    scorer = Scorer(config)
    images = images.clone().requires_grad_(True)
    torch.nn.functional.cross_entropy(scorer(images), labels).backward()
    return images.grad.sign()


class Reloading:
    def __init__(self, config):
        self._init_network(config)

    def _init_network(self, config):
        self.net = build_detector(config["architecture"])
        self.net.eval()

    def reload(self, config):
        self._init_network(config)
        self.net.train()

    def run(self, images):
        return [self.net(image[None]).softmax(-1) for image in images]


class Step:
    def __init__(self, net, optimizer):
        self.net = net
        self.optimizer = optimizer

    def __call__(self, images, labels):
        self.optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(self.net(images), labels)
        loss.backward()
        self.optimizer.step()
        return loss.item()


def main(config, images):
    reloading = Reloading(config)
    return [(result > 0.5).sum().item() for result in reloading.run(images)]
