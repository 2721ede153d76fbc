import torch
import torch.nn as nn


class ImplicitNetwork(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(3, width), nn.Softplus(beta=100), nn.Linear(width, 1))

    def forward(self, points):
        return self.layers(points)

    def gradient(self, points, eps=1e-3):
        # central differences: no gradient is taken
        offsets = torch.eye(3) * eps
        return torch.stack([(self.forward(points + o) - self.forward(points - o))[:, 0] / (2 * eps) for o in offsets], -1)


class SurfaceNetwork(nn.Module):
    """Renders colours from surface points and their normals, estimated by central differences."""

    def __init__(self, width=64):
        super().__init__()
        self.implicit = ImplicitNetwork(width)
        self.shade = nn.Linear(6, 3)

    def forward(self, inputs):
        points = inputs["points"]
        normals = self.implicit.gradient(points)
        return {"rgb": torch.sigmoid(self.shade(torch.cat([points, normals], -1)))}
