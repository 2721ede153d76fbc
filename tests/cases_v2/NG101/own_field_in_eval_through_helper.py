# settings: min_confidence=high
import torch
from torch import nn

from zoo_of_nets import make_network


class Runner:
    """`self.net` comes from a factory the analysis cannot read. `_step` runs it; `measure` puts
    that very field in eval mode and then calls `_step` for every batch: the helper's forward
    passes run the module in the mode `measure` left it in."""

    def __init__(self, width):
        self.net = make_network(width)
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
