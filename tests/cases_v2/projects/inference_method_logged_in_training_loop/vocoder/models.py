"""The generator: `forward` for training, `infer` for samples (other callers may need either)."""
import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(16, 16)

    def forward(self, x):
        return self.net(x)

    def infer(self, x):
        return torch.tanh(self.net(x))  # expect: NG101@27
