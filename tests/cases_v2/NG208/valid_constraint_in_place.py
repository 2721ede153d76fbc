# settings: min_confidence=low
"""Twins of constraint_clamps_own_parameter.py that keep the gradient: the constraint clamps
with a differentiable op (no `no_grad`), or clamps the parameter's data in place under `no_grad`
and returns nothing, and the filter bank reads the parameter itself."""
import math

import torch
from torch import nn
import torch.nn.functional as F


class SoftRange(nn.Module):
    def __init__(self, low, high):
        super().__init__()
        self.low, self.high = low, high

    def forward(self, kernel):
        return kernel.clamp(self.low, self.high)


class ProjectInPlace(nn.Module):
    def forward(self, kernel):
        with torch.no_grad():
            kernel.clamp_(0.0, math.pi)


class FilterBank(nn.Module):
    def __init__(self, filters, width):
        super().__init__()
        self.centres = nn.Parameter(torch.rand(filters, 1) * math.pi)
        self.widths = nn.Parameter(torch.ones(filters, 1))
        self.soft = SoftRange(0.1, 2.0)
        self.project = ProjectInPlace()
        self.register_buffer("grid", torch.linspace(-1.0, 1.0, width))

    def forward(self, x):
        self.project(self.centres)
        weight = torch.cos(self.centres * self.grid / self.soft(self.widths))[:, None, :]
        return F.conv1d(x, weight, padding="same")
