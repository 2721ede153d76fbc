"""Twin of eval_field_from_loader_function: the loader gives the network in training mode and
the class fine-tunes it (`backward`, an optimizer step): the graphs are used, nothing to report."""
import torch
from torch import nn


def load_detector(path):
    net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 4))
    net.load_state_dict(torch.load(path, map_location="cpu"))
    return net.train()


class Tuner:
    def __init__(self, path):
        self.detector = load_detector(path)
        self.optimizer = torch.optim.SGD(self.detector.parameters(), lr=0.01)

    def step(self, images, targets):
        loss = nn.functional.mse_loss(self.detector(images), targets)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def boxes(self, images):
        return self.detector(images)
