import torch
from torch import nn


class Blocks(nn.Module):
    """Loops that build, move and wire modules: no forward pass, whatever the loop looks like."""

    def __init__(self, widths):
        super().__init__()
        self.layers = self._make_layers(widths)

    def _make_layers(self, widths):
        layers = nn.ModuleList()
        for width in widths:
            block = nn.Sequential(nn.Linear(width, width), nn.ReLU())
            layers.append(block)
        return layers

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def compile_regions(model):
    for name, child in model.named_children():
        model.add_module(name, torch.compile(child))
    return model


def hook_all(model, hook):
    handles = []
    for module in model.modules():
        handles.append(module.register_forward_pre_hook(hook))
    return handles


def wrap(model: Blocks, widths):
    for width in widths:
        model.layers.insert(0, nn.Linear(width, width))
