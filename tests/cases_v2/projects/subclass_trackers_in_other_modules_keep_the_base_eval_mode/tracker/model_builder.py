import torch
from torch import nn


class ModelBuilder(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Conv2d(3, 16, 3)
        self.head = nn.Conv2d(16, 2, 1)
        self.refine = nn.Linear(16, 127 * 127)

    def template(self, z):
        self.zf = self.backbone(z)

    def track(self, x):
        xf = self.backbone(x)
        self.xf = xf
        return {"cls": self.head(xf * self.zf.mean())}

    def mask_refine(self, pos):
        return self.refine(self.xf[:, :, pos[0], pos[1]])

    def forward(self, data):
        return self.head(self.backbone(data["search"]))
