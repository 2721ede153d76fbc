# settings: min_confidence=low
from torch import nn


def one_pass(loader):
    """A graph thrown away in a loop, nothing read from it as a value, is the only sign:
    reported at `low` (on library code such loops mostly walk modules, not batches)."""
    m = nn.Linear(4, 2)
    for x in loader:
        print(m(x).sum())  # expect: NG101@15
