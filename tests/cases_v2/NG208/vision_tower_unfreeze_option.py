"""A wrapper around a pretrained encoder with an option to tune it: `tune=True` unfreezes its
parameters, but `forward` is decorated with `@torch.no_grad()`, so its features carry no graph
and the encoder never gets a gradient."""
import torch
from torch import nn


class VisionTower(nn.Module):
    def __init__(self, encoder: nn.Module, tune: bool = False):
        super().__init__()
        self.encoder = encoder
        self.encoder.requires_grad_(tune)

    @torch.no_grad()  # expect: NG208@6
    def forward(self, images):
        features = self.encoder(images)
        return features.flatten(1)


class Captioner(nn.Module):
    def __init__(self, encoder, vocab_size, tune=False):
        super().__init__()
        self.tower = VisionTower(encoder, tune=tune)
        self.head = nn.Linear(512, vocab_size)

    def forward(self, images):
        return self.head(self.tower(images))
