"""A perceptual loss derived from a project base loss decorates its `forward` with `no_grad`
(copied from the feature extractor it wraps): whatever it is given, the value has no graph."""
import torch
from torch import nn


class BaseLoss(nn.Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction


class Perceptual(BaseLoss):
    def __init__(self, extractor):
        super().__init__()
        self.extractor = extractor

    @torch.no_grad()  # expect: NG209@6
    def forward(self, prediction, target):
        return (self.extractor(prediction) - self.extractor(target)).pow(2).mean()
