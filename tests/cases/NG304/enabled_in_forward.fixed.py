import torch
from torch import nn


class ImplicitSurface(nn.Module):
    """Its forward needs gradients for the surface normals, and turns them on for good: the
    validation loop that calls it under `no_grad` records graphs from then on."""

    def __init__(self):
        super().__init__()
        self.net = nn.Linear(3, 1)

    def forward(self, points):
        with torch.set_grad_enabled(True):  # expect: NG304@9
            points = points.requires_grad_(True)
            sdf = self.net(points)
            normals = torch.autograd.grad(sdf.sum(), points, create_graph=True)[0]
            return sdf, normals
