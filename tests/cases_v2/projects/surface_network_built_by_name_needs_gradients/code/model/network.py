import torch
import torch.nn as nn


class ImplicitNetwork(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(3, width), nn.Softplus(beta=100), nn.Linear(width, 1))

    def forward(self, points):
        return self.layers(points)

    def gradient(self, points):
        points.requires_grad_(True)
        sdf = self.forward(points)
        return torch.autograd.grad(sdf, points, torch.ones_like(sdf), create_graph=True)[0]


class SurfaceNetwork(nn.Module):
    """Renders colours from surface points and their normals, which are gradients of the SDF."""

    def __init__(self, width=64):
        super().__init__()
        self.implicit = ImplicitNetwork(width)
        self.shade = nn.Linear(6, 3)

    def forward(self, inputs):
        points = inputs["points"]
        normals = self.implicit.gradient(points)
        return {"rgb": torch.sigmoid(self.shade(torch.cat([points, normals], -1)))}
