from torch import nn


def one_pass(loader):
    """A graph thrown away in a loop is the only sign: silent by default (on library code such
    loops mostly walk modules, not batches)."""
    m = nn.Linear(4, 2)
    for x in loader:
        print(m(x).detach().sum())
