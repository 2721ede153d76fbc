import torch
from torch import nn


def hits(net: nn.Module, rows):
    """The indices of a reduction over a dimension are values read from the output (the name
    only lets the `ast` pre-pass through; the annotation makes `net` surely a module)."""
    found = 0
    for x, y in rows:
        _, pred = net(x).max(1)  # expect: NG101@19
        found += (pred == y).sum()
    return found


def hits_by_function(net: nn.Module, rows):
    found = 0
    for x, y in rows:
        _, pred = torch.max(net(x), dim=1)  # expect: NG101@29
        found += (pred == y).sum()
    return found
