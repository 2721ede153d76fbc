"""Twin: a detector module decorates its own `forward` with `@torch.no_grad()`; its `draw`
method runs `self.forward(images)` and reads the boxes to draw them. The call records nothing,
so nothing is reported."""
import torch
from torch import nn


class Detector(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Conv2d(3, 8, 3)
        self.head = nn.Linear(8, 4)

    @torch.no_grad()
    def forward(self, images):
        features = self.backbone(images).mean((2, 3))
        return self.head(features)

    def draw(self, images):
        boxes = self.forward(images)
        canvas = images.clone()
        for image, box in zip(canvas, boxes.round().long().tolist()):
            image[:, box[1]:box[3], box[0]] = 1.0
        return canvas
