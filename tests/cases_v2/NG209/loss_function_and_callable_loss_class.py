"""A perceptual loss written as a function, and as a plain class used as a criterion: each runs its
frozen feature network on the prediction and the target under no_grad and sums the terms there, so
the loss it returns carries no graph back to the prediction."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Features(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone
        for parameter in self.parameters():
            parameter.requires_grad = False

    def forward(self, x):
        return [layer(x) for layer in self.backbone]


def perceptual_loss(prediction, target, features: Features, weight=0.01):
    with torch.no_grad():  # expect: NG209@10
        loss = F.mse_loss(prediction, target)
        for a, b in zip(features(prediction), features(target)):
            loss = loss + weight * F.mse_loss(a, b)
        return loss


class LossWithFeatures:
    def __init__(self, features: Features, weight=0.01):
        self.features = features
        self.weight = weight

    def __call__(self, prediction, target):
        self.features.eval()
        with torch.no_grad():  # expect: NG209@14
            pixel = F.l1_loss(prediction, target)
            style = sum(F.l1_loss(a, b) for a, b in zip(self.features(prediction), self.features(target)))
            return pixel + self.weight * style
