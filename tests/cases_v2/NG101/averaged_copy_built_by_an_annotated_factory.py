"""The twin: the factory is annotated to build a module (`Callable[[nn.Module], Averaged]`, a
project `nn.Module` that keeps an averaged copy of the network). Validation runs the averaged copy
on every batch and reads only a count from its outputs, with gradients on: NG101 at the forward
pass, which the annotation shows is one."""
import copy
from typing import Callable

from torch import nn


class Averaged(nn.Module):
    def __init__(self, model: nn.Module):
        super().__init__()
        self.copy = copy.deepcopy(model)

    def forward(self, x):
        return self.copy(x)


class Trainer:
    def __init__(self, model: nn.Module, build_average: Callable[[nn.Module], Averaged]):
        self.model = model
        self.smooth = build_average(model)

    def validate(self, loader):
        correct = 0
        for x, y in loader:
            scores = self.smooth(x)  # expect: NG101@22
            correct += (scores.argmax(1) == y).sum().item()
        return correct
