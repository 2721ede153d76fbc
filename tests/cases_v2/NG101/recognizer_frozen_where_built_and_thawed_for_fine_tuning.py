import torch
from torch import nn


class Recognizer:
    """Frozen when it is built, but `unfreeze` thaws it for fine-tuning: once it has been called,
    `predict` records a graph over every parameter, which `__call__` throws away."""

    def __init__(self, path):
        self.net = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(10))
        self.net.load_state_dict(torch.load(path))
        self.net.requires_grad_(False)
        self.net.eval()

    def unfreeze(self):
        self.net.requires_grad_(True)

    def predict(self, images):
        return self.net(images)  # expect: NG101@16

    def __call__(self, images):
        return self.predict(images).argmax(1).tolist()
