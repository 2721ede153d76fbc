# settings: min_confidence=high
"""The training function unfreezes the tower (`p.requires_grad = True` over its parameters)
before training the model that contains it; the tower's `forward` disables gradients."""
import torch
from torch import nn


class Tower(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(32, 16)
        for p in self.parameters():
            p.requires_grad = False

    @torch.no_grad()  # expect: NG208@6
    def forward(self, x):
        return self.proj(x)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.tower = Tower()
        self.out = nn.Linear(16, 1)

    def forward(self, x):
        return self.out(self.tower(x))


def train(model, loader, tune_entire_model=False):
    if tune_entire_model:
        for p in model.tower.parameters():
            p.requires_grad = True
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for x, y in loader:
        loss = ((model(x) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def main(loader):
    model = Model()
    train(model, loader, tune_entire_model=True)
