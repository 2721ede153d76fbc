"""A `predict` method that is part of the differentiable forward pass."""
import torch
from torch import nn


class Detector(nn.Module):
    def __init__(self, backbone, n_classes):
        super().__init__()
        self.backbone = backbone
        self.cls_head = nn.Conv2d(256, n_classes, 1)
        self.box_head = nn.Conv2d(256, 4, 1)

    def predict(self, feats):
        return self.cls_head(feats), self.box_head(feats)

    def forward(self, images):
        return self.predict(self.backbone(images))


def train(model, loader, opt, box_loss):
    model.train()
    for images, cls_t, box_t in loader:
        cls_p, box_p = model(images)
        loss = nn.functional.cross_entropy(cls_p, cls_t) + box_loss(box_p, box_t)
        opt.zero_grad()
        loss.backward()
        opt.step()
