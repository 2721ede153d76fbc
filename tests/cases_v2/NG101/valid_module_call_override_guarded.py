import torch
from torch import nn


class Detector(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(8, 4)

    def forward(self, x):
        return self.net(x)

    @torch.no_grad()
    def __call__(self, images):
        """Calling a detector predicts: its own `__call__` runs the forward under no_grad."""
        return self.forward(images).argmax(-1)


def annotate(det: Detector, rows):
    found = []
    for x in rows:
        found.append(det(x).tolist())
    return found
