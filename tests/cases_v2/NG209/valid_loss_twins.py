"""Twins: only the target's branch runs without gradients; a weight computed under no_grad scales
a term computed with gradients; a discriminator with parameters runs with gradients on the
generated images made under no_grad (its loss trains the discriminator); and a feature extractor
(no loss) that runs under no_grad."""
import torch
import torch.nn.functional as F
from torch import nn


class FeatureLoss(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder.requires_grad_(False)

    def forward(self, sr, hr):
        with torch.no_grad():
            target = self.encoder(hr)
        return F.l1_loss(self.encoder(sr), target)


class FocalWeightedLoss(nn.Module):
    def forward(self, logits, labels):
        with torch.no_grad():
            weight = (1 - torch.softmax(logits, -1).gather(1, labels[:, None])) ** 2
        return (weight.squeeze(1) * F.cross_entropy(logits, labels, reduction="none")).mean()


class DiscriminatorLoss(nn.Module):
    def __init__(self, generator, discriminator):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator

    def forward(self, noise, real):
        with torch.no_grad():
            fake = self.generator(noise)
        return F.softplus(self.discriminator(fake)).mean() + F.softplus(-self.discriminator(real)).mean()


class FrozenFeatures(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone

    @torch.no_grad()
    def forward(self, images):
        return self.backbone(images)
