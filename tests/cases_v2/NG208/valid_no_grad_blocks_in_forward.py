"""Hard negatives: `no_grad` blocks inside a module's `forward` that cut nothing the module
trains. A frozen backbone run on the raw input (its features feed a trained head); a target
network run on activations (named as one, updated by copying); a block that only computes
indices from the activations (a codebook lookup: the indices carry no graph anyway). Silent."""
import copy

import torch
from torch import nn


class FrozenBackboneHead(nn.Module):
    def __init__(self, backbone: nn.Module, classes=10):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(512, classes)

    def forward(self, images):
        with torch.no_grad():
            features = self.backbone(images)
        return self.head(features)


class Critic(nn.Module):
    def __init__(self, encoder: nn.Module, q: nn.Module):
        super().__init__()
        self.encoder = encoder
        self.q = q
        self.target_q = copy.deepcopy(q)

    def forward(self, obs, next_obs, reward):
        h, next_h = self.encoder(obs), self.encoder(next_obs)
        with torch.no_grad():
            target = reward + 0.99 * self.target_q(next_h).max(-1).values
        return (self.q(h).max(-1).values - target).pow(2).mean()


class Quantizer(nn.Module):
    def __init__(self, codes=512, dim=64):
        super().__init__()
        self.codebook = nn.Embedding(codes, dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, z):
        z = self.proj(z)
        with torch.no_grad():
            indices = torch.cdist(z, self.codebook.weight).argmin(-1)
        quantized = self.codebook(indices)
        return z + (quantized - z).detach()
