import torch
from torch import nn


class ScopedSurface(nn.Module):
    """The scoped form: the caller's mode comes back when the block ends."""

    def __init__(self):
        super().__init__()
        self.net = nn.Linear(3, 1)

    def forward(self, points):
        with torch.set_grad_enabled(True):
            points = points.requires_grad_(True)
            sdf = self.net(points)
            normals = torch.autograd.grad(sdf.sum(), points, create_graph=True)[0]
        return sdf, normals


class RestoringSurface(nn.Module):
    """Turned on, then the caller's mode put back before returning."""

    def __init__(self):
        super().__init__()
        self.net = nn.Linear(3, 1)

    def forward(self, points):
        previous = torch.is_grad_enabled()
        torch.set_grad_enabled(True)
        sdf = self.net(points.requires_grad_(True))
        torch.set_grad_enabled(previous)
        return sdf


def train_epoch(model, loader, optimizer):
    # a training function that turns gradients back on at its start: no caller's no_grad to break
    torch.set_grad_enabled(True)
    for points, target in loader:
        loss = (model(points)[0] - target).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
