# settings: min_confidence=low
"""Twin of vision_tower_unfreeze_option.py: the tower is frozen (`requires_grad_(False)`) and
never unfrozen; the model that contains it is trained with `model.parameters()`, which is
harmless for the frozen tower. A frozen encoder fed plain images records nothing anyway."""
import torch
from torch import nn
import torch.nn.functional as F


class VisionTower(nn.Module):
    def __init__(self, encoder: nn.Module):
        super().__init__()
        self.encoder = encoder
        self.encoder.requires_grad_(False)

    @torch.no_grad()
    def forward(self, images):
        return self.encoder(images).flatten(1)


class Captioner(nn.Module):
    def __init__(self, encoder, vocab_size):
        super().__init__()
        self.tower = VisionTower(encoder)
        self.head = nn.Linear(512, vocab_size)

    def forward(self, images):
        return self.head(self.tower(images))


class Standardize(nn.Module):
    """No parameters, nothing trains it: a no_grad preprocessing step."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)

    @torch.no_grad()
    def forward(self, x):
        return (x - self.mean) / self.std


def train(encoder, loader):
    model = Captioner(encoder, 1000)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    for images, tokens in loader:
        loss = F.cross_entropy(model(images), tokens)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
