"""A linear-probe loop that hands both the backbone's and the head's parameters to the optimizer
but computes the backbone's features under `no_grad`: the backbone never changes."""
import torch
from torch import nn
import torch.nn.functional as F


def fine_tune(backbone: nn.Module, head: nn.Module, loader):
    params = list(backbone.parameters()) + list(head.parameters())
    optimizer = torch.optim.SGD(params, lr=0.01, momentum=0.9)
    for images, labels in loader:
        with torch.no_grad():
            features = backbone(images)  # expect: NG208@24
        loss = F.cross_entropy(head(features), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
