# settings: min_confidence=low
"""Twin: the module's `forward` is its inference API under `@torch.no_grad()`, and its own
optimizer (over `self.parameters()`) trains it through `fit`, which runs `self.net` with
gradients on: nothing trains through `forward`."""
import torch
from torch import nn
import torch.nn.functional as F


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
        self.optimizer = torch.optim.Adam(self.parameters(), lr=1e-3)

    @torch.no_grad()
    def forward(self, x):
        return self.net(x)

    def fit(self, x, y, steps=100):
        for _ in range(steps):
            loss = F.mse_loss(self.net(x), y)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
