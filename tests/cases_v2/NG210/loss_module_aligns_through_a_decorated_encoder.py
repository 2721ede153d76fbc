"""A tokenizer's loss module adds a semantic alignment term: a frozen feature encoder compares
the tokenizer's predicted features with the image's. The encoder's `forward` is decorated with
`@torch.no_grad()` (meant to freeze it), so the term it returns carries no graph: the loss still
backpropagates through its other terms, but the tokenizer's feature head gets nothing from the
alignment term. NG210 where the training step hands the prediction to the loss module (wrapped
in `nn.DataParallel`, which runs the module's own `forward`), and where a step hands it to the
encoder itself; not where the discriminator's step passes it along on a branch that never reads
it (`optimizer_idx=1`)."""
import torch
import torch.nn.functional as F
from torch import nn


class FeatureAlignment(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.encoder.requires_grad_(False)

    @torch.no_grad()
    def forward(self, images, predicted):
        target = F.normalize(self.encoder(images), dim=-1)
        return 1 - (F.normalize(predicted, dim=-1) * target).sum(-1).mean()


class TokenizerLoss(nn.Module):
    def __init__(self, alignment_weight=0.5):
        super().__init__()
        self.alignment = FeatureAlignment()
        self.alignment_weight = alignment_weight

    def forward(self, images, reconstructions, predicted):
        reconstruction = F.l1_loss(reconstructions, images)
        if predicted is not None:
            aligned = self.alignment(images, predicted)
        else:
            aligned = torch.zeros_like(reconstruction)
        return reconstruction + self.alignment_weight * aligned


def train(tokenizer: nn.Module, loader):
    criterion = nn.DataParallel(TokenizerLoss())
    optimizer = torch.optim.Adam(tokenizer.parameters(), lr=1e-4)
    for images in loader:
        reconstructions, predicted = tokenizer(images)
        loss = criterion(images, reconstructions, predicted)  # expect: NG210@16
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


class AdversarialTokenizerLoss(nn.Module):
    def __init__(self):
        super().__init__()
        self.alignment = FeatureAlignment()
        self.discriminator = nn.Sequential(nn.Conv2d(3, 8, 4, 2), nn.LeakyReLU(0.2), nn.Conv2d(8, 1, 4))

    def forward(self, images, reconstructions, predicted, optimizer_idx):
        if optimizer_idx == 0:
            fake = self.discriminator(reconstructions)
            return F.l1_loss(reconstructions, images) - fake.mean() + self.alignment(images, predicted)
        real, fake = self.discriminator(images), self.discriminator(reconstructions.detach())
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()


def train_adversarially(tokenizer: nn.Module, loader):
    criterion = AdversarialTokenizerLoss()
    optimizer = torch.optim.Adam(tokenizer.parameters(), lr=1e-4)
    optimizer_disc = torch.optim.Adam(criterion.discriminator.parameters(), lr=1e-4)
    for images in loader:
        reconstructions, predicted = tokenizer(images)
        loss = criterion(images, reconstructions, predicted, optimizer_idx=0)  # expect: NG210@16
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_disc = criterion(images, reconstructions, predicted, optimizer_idx=1)
        optimizer_disc.zero_grad()
        loss_disc.backward()
        optimizer_disc.step()


def finetune(tokenizer: nn.Module, loader):
    alignment = FeatureAlignment()
    optimizer = torch.optim.Adam(tokenizer.parameters(), lr=1e-5)
    for images in loader:
        reconstructions, predicted = tokenizer(images)
        loss = F.mse_loss(reconstructions, images) + alignment(images, predicted)  # expect: NG210@54
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
