# settings: min_confidence=low
"""A network derived from `nn.Sequential` (a module) keeps the class of its blocks in a field and
calls it to build them: `self.block(width)` makes a layer, it runs no forward pass (not even one
whose graph `nn.Sequential(...)` would throw away)."""
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.linear = nn.Linear(width, width)

    def forward(self, x):
        return torch.relu(self.linear(x))


class Stack(nn.Sequential):
    def __init__(self, width, depth, block=Block):
        super().__init__()
        self.block = block
        self.add_module("body", self._layer(width, depth))

    def _layer(self, width, depth):
        return nn.Sequential(*[self.block(width) for _ in range(depth)])
