import torch
from torch import nn


def hits(f: nn.Module, rows):
    """The indices of a reduction over a dimension are values read from the output."""
    found = 0
    for x, y in rows:
        _, pred = f(x).max(1)  # expect: NG101@19
        found += (pred == y).sum()
    return found


def hits_by_function(f: nn.Module, rows):
    found = 0
    for x, y in rows:
        _, pred = torch.max(f(x), dim=1)  # expect: NG101@29
        found += (pred == y).sum()
    return found
