"""`__init__` stores what a loader function and a builder method return, each a network put in
eval mode. Both are summarised after `__init__` is first read; the fields are read again once they
are, so the methods that run them see networks in eval mode, and throw the graphs away."""
import torch
from torch import nn


class Detector(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.boxes = nn.Linear(8, 4)

    def forward(self, images):
        return self.boxes(self.body(images))


def load_detector(path):
    net = Detector()
    net.load_state_dict(torch.load(path, map_location="cpu"))
    return net.eval()


class Service:
    def __init__(self, path, head_path):
        self.detector = load_detector(path)
        self.head = self._load_head(head_path)

    def _load_head(self, path):
        head = nn.Linear(4, 2)
        head.load_state_dict(torch.load(path, map_location="cpu"))
        head.eval()
        return head

    def boxes(self, images):
        found = self.detector(images)  # expect: NG101@17
        return found.tolist()

    def labels(self, boxes):
        return [row.argmax().item() for row in self.head(boxes)]  # expect: NG101@48
