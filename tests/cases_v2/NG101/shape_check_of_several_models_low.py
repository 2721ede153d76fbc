# settings: min_confidence=low
"""A model file's `test()` builds several variants in a list and runs each once on a made-up
tensor, printing the output's size: a smoke test of the shapes, not a loop over batches. Low
(round 32: nine such functions reported at high)."""
import torch
from torch import nn


def small(classes):
    return nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, classes))


def large(classes):
    return nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 256), nn.ReLU(), nn.Linear(256, classes))


def test():
    x = torch.randn(2, 3, 32, 32)
    for net in [small(10), large(10)]:
        y = net(x)  # expect: NG101@13
        print(y.size())
