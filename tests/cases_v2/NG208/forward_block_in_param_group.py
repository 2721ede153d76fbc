"""The whole computation of `forward` is inside `with torch.no_grad():`, and the module's
parameters are a param group of the optimizer that the training loop steps."""
import torch
from torch import nn
import torch.nn.functional as F


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 8))

    def forward(self, x):
        with torch.no_grad():  # expect: NG208@14
            h = self.layers(x)
        return h


def fit(loader, epochs=3):
    backbone = Backbone()
    head = nn.Linear(8, 2)
    opt = torch.optim.AdamW([{"params": backbone.parameters(), "lr": 1e-5},
                             {"params": head.parameters(), "lr": 1e-3}])
    for _ in range(epochs):
        for x, y in loader:
            loss = F.cross_entropy(head(backbone(x)), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
