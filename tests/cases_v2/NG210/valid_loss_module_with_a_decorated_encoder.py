"""Twins of loss_module_aligns_through_a_decorated_encoder.py: the decorated encoder only sees the
real images (a target it makes without gradients, which is what the decorator is for), the
prediction also reaches the loss outside it, the prediction is detached before the call, or the
term is only logged. The tokenizer's gradient flows where it should. Silent."""
import torch
import torch.nn.functional as F
from torch import nn


class FrozenEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten())

    @torch.no_grad()
    def forward(self, images):
        return F.normalize(self.net(images), dim=-1)


class Agreement(nn.Module):
    @torch.no_grad()
    def forward(self, predicted, target):
        return (predicted.argmax(-1) == target.argmax(-1)).float().mean()


class TargetLoss(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = FrozenEncoder()

    def forward(self, images, predicted):
        target = self.encoder(images)
        return 1 - (F.normalize(predicted, dim=-1) * target).sum(-1).mean()


class LoggedLoss(nn.Module):
    def __init__(self):
        super().__init__()
        self.agreement = Agreement()
        self.last_agreement = None

    def forward(self, predicted, target):
        self.last_agreement = self.agreement(predicted, target)
        return F.mse_loss(predicted, target)


def train(tokenizer: nn.Module, loader):
    criterion, logged, agreement = TargetLoss(), LoggedLoss(), Agreement()
    optimizer = torch.optim.Adam(tokenizer.parameters(), lr=1e-4)
    for images, target in loader:
        reconstructions, predicted = tokenizer(images)
        loss = F.l1_loss(reconstructions, images) + criterion(images, predicted) + logged(predicted, target)
        loss = loss + 0.0 * agreement(predicted.detach(), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


class Difficulty(nn.Module):
    @torch.no_grad()
    def forward(self, logits, labels):
        return 1 - torch.softmax(logits, -1).gather(1, labels[:, None]).squeeze(1)


class WeightedLoss(nn.Module):
    def __init__(self):
        super().__init__()
        self.difficulty = Difficulty()

    def forward(self, logits, labels):
        weight = self.difficulty(logits, labels)
        return (weight * F.cross_entropy(logits, labels, reduction="none")).mean()


def train_classifier(classifier: nn.Module, loader):
    difficulty, weighted = Difficulty(), WeightedLoss()
    optimizer = torch.optim.SGD(classifier.parameters(), lr=0.1)
    for images, labels in loader:
        logits = classifier(images)
        focus = difficulty(logits, labels)
        loss = (focus * F.cross_entropy(logits, labels, reduction="none")).mean() + weighted(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
