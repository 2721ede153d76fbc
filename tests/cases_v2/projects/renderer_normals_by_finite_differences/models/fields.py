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

    def gradient(self, x, eps=1e-3):
        # surface normals by central differences: no gradient is taken
        offsets = torch.eye(3) * eps
        return torch.stack([(self.sdf(x + o) - self.sdf(x - o))[:, 0] / (2 * eps) for o in offsets], -1)


class ColorNetwork(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(3 + 3 + width, width), nn.ReLU(), nn.Linear(width, 3))

    def forward(self, points, normals, features):
        return torch.sigmoid(self.layers(torch.cat([points, normals, features], -1)))
