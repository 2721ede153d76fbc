from typing import Callable, Optional

import torch
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc(x)


def score_split(f: Optional["Classifier"], rows):
    """`f` is a module by its annotation alone; its outputs only give values."""
    hits = 0
    for x, y in rows:
        hits += int((f(x).argmax(-1) == y).sum())  # expect: NG101@22
    return hits


def score_other(f: nn.Module | None, rows):
    return sum(f(x).max().item() for x, _ in rows)  # expect: NG101@16


def score_callable(f: Callable, rows):
    """A callable of any kind: nothing says it records a graph."""
    hits = 0
    for x, y in rows:
        hits += int((f(x).argmax(-1) == y).sum())
    return hits
