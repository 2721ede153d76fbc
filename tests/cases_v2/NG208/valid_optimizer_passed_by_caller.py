"""Twins: a linear probe, whose caller builds the optimizer over the head alone (the backbone
under `no_grad` is meant to stay fixed); a training function that one caller gives the full
optimizer and another a head-only one (not every caller trains the backbone); and an optimizer
the caller was itself given (nothing in sight says what it holds)."""
import torch
import torch.nn.functional as F
from torch import nn


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x).mean((2, 3))


def probe_epoch(backbone, head, optimizer, loader):
    for images, labels in loader:
        with torch.no_grad():
            features = backbone(images)
        loss = F.cross_entropy(head(features), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def tune_epoch(backbone, head, optimizer, loader):
    for images, labels in loader:
        with torch.no_grad():
            features = backbone(images)
        loss = F.cross_entropy(head(features), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def run_tuning(backbone, head, optimizer, loader):
    tune_epoch(backbone, head, optimizer, loader)


def main(loader, epochs=3):
    backbone, head = Backbone(), nn.Linear(8, 10)
    probe = torch.optim.SGD(head.parameters(), lr=0.1)
    for _ in range(epochs):
        probe_epoch(backbone, head, probe, loader)
    both = torch.optim.SGD(list(backbone.parameters()) + list(head.parameters()), lr=0.1)
    tune_epoch(backbone, head, both, loader)
    tune_epoch(backbone, head, probe, loader)
