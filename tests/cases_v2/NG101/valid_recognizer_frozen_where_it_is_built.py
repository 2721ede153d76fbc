import torch
from torch import nn


class Recognizer:
    """Loads a trained network, freezes every parameter and puts it in eval mode once, when it is
    built; `predict` runs it on plain images: torch records nothing there."""

    def __init__(self, path):
        self.net = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(10))
        self.net.load_state_dict(torch.load(path))
        for p in self.net.parameters():
            p.requires_grad = False
        self.net.eval()

    def predict(self, images):
        return self.net(images)

    def __call__(self, images):
        return self.predict(images).argmax(1).tolist()


class Captioner:
    def __init__(self, path):
        self.encoder = torch.load(path, weights_only=False)
        self.encoder.requires_grad_(False)
        self.encoder.eval()

    def encode(self, images):
        return self.encoder(images)

    def __call__(self, images):
        return self.encode(images).mean(1).tolist()
