"""In-place updates under `no_grad` in a `forward` that leave every parameter trained: a bias that
is also read with gradients on (its norm is a term of the output), a buffer (no parameter at all),
noise that reads no parameter, and a parameter built with `requires_grad=False`. Silent."""
import torch
from torch import nn


class Shared(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lin = nn.Linear(hidden, hidden)
        self.bias = nn.Parameter(torch.zeros(hidden))

    def forward(self, x):
        h = self.lin(x)
        with torch.no_grad():
            h += self.bias
        return h + self.bias.norm()


class Buffered(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lin = nn.Linear(hidden, hidden)
        self.register_buffer("offset", torch.zeros(hidden))

    def forward(self, x):
        h = self.lin(x)
        with torch.no_grad():
            h += self.offset
        return h


class Noisy(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lin = nn.Linear(hidden, hidden)

    def forward(self, x):
        h = self.lin(x)
        with torch.no_grad():
            h += 0.01 * torch.randn_like(h)
        return h


class Fixed(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lin = nn.Linear(hidden, hidden)
        self.table = nn.Parameter(torch.randn(hidden), requires_grad=False)

    def forward(self, x):
        h = self.lin(x)
        with torch.no_grad():
            h += self.table
        return h
