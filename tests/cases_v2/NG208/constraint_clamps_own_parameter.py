"""A constraint module clamps a learnable kernel inside `with torch.no_grad():` and returns from
there; the filter bank's `forward` builds its filters from what it returns, so the kernel
parameter never gets a gradient. NG208 (medium) at the context expression, the call as related
location."""
import math

import torch
from torch import nn
import torch.nn.functional as F


class RangeConstraint(nn.Module):
    def __init__(self, low, high):
        super().__init__()
        self.low, self.high = low, high

    def forward(self, kernel):
        with torch.no_grad():  # expect: NG208@14
            return kernel.clamp(self.low, self.high)


class FilterBank(nn.Module):
    def __init__(self, filters, width):
        super().__init__()
        self.centres = nn.Parameter(torch.rand(filters, 1) * math.pi)
        self.constraint = RangeConstraint(0.0, math.pi)
        self.register_buffer("grid", torch.linspace(-1.0, 1.0, width))

    def forward(self, x):
        centres = self.constraint(self.centres)
        weight = torch.cos(centres * self.grid)[:, None, :]
        return F.conv1d(x, weight, padding="same")
