import torch
import torch.nn as nn


class SDFNetwork(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(3, width), nn.Softplus(beta=100), nn.Linear(width, 1 + width))

    def forward(self, x):
        return self.layers(x)

    def sdf(self, x):
        return self.forward(x)[:, :1]

    def gradient(self, x):
        # surface normals: the gradient of the distance with respect to the points
        x.requires_grad_(True)
        y = self.sdf(x)
        return torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)[0]


class ColorNetwork(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(3 + 3 + width, width), nn.ReLU(), nn.Linear(width, 3))

    def forward(self, points, normals, features):
        return torch.sigmoid(self.layers(torch.cat([points, normals, features], -1)))
