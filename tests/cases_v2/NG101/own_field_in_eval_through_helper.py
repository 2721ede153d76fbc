import torch
from torch import nn


class Runner:
    """`_step` runs `self.net`; `measure` puts that very field in eval mode and then calls
    `_step` for every batch: the helper's forward passes run the module in eval mode."""

    def __init__(self, width):
        self.net = nn.Sequential(nn.Linear(width, 16), nn.ReLU(), nn.Linear(16, 1))
        self.opt = torch.optim.SGD(self.net.parameters(), lr=0.1)

    def _step(self, x):
        return self.net(x)

    def fit(self, batches):
        for x, y in batches:
            loss = nn.functional.mse_loss(self._step(x), y)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()

    def measure(self, batches):
        self.net.eval()
        total = 0.0
        for x, y in batches:
            total += nn.functional.mse_loss(self._step(x), y).item()  # expect: NG101@45
        self.net.train()
        return total

    def measure_guarded(self, batches):
        self.net.eval()
        with torch.no_grad():
            total = sum(nn.functional.mse_loss(self._step(x), y).item() for x, y in batches)
        self.net.train()
        return total
