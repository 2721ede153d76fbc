import torch
from torch import nn


class Normalize:
    """A data transform: its outputs are fed to the model being trained."""

    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    @torch.inference_mode()  # expect: NG206@6
    def __call__(self, x):
        return (x - self.mean) / self.std


@torch.inference_mode()  # expect: NG206@2
def rescale_input(module, args):
    return (args[0] / 255.0,)


@torch.inference_mode()
def record_output(module, inputs, output):
    FEATURES.append(output.clone())


FEATURES = []


def train(model, loader, steps):
    model[0].register_forward_pre_hook(rescale_input)
    model[0].register_forward_hook(record_output)
    transform = Normalize(0.5, 0.25)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(transform(x)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
