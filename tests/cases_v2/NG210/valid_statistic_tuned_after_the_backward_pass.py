"""Twin of loss_module_aligns_through_a_decorated_encoder.py: an adaptive augmentation tunes its
probability from the discriminator's predictions in a `@torch.no_grad()` method, after the
discriminator's backward pass; the probability, a plain number (`.item()`), reaches the next
iteration's loss and the regularization step's through the augmented images only. What comes
back carries no graph whatever the mode, and what it was given is the last pass's graph, already
used: silent (a dev false finding)."""
import torch
import torch.nn.functional as F
from torch import nn


class AdaptiveAugment:
    def __init__(self, target=0.6, speed=0.01):
        self.target, self.speed, self.p = target, speed, 0.0

    @torch.no_grad()
    def tune(self, real_pred):
        overfit = real_pred.sign().mean().item()
        self.p = min(max(self.p + self.speed * (1 if overfit > self.target else -1), 0.0), 1.0)
        return self.p


def augment(images, p):
    return images * (1 - p) + images.flip(-1) * p


def train(discriminator: nn.Module, generator: nn.Module, loader):
    d_optim = torch.optim.Adam(discriminator.parameters(), lr=2e-4)
    ada = AdaptiveAugment()
    p = 0.0
    for real in loader:
        with torch.no_grad():
            fake = generator(torch.randn(real.shape[0], 64))
        real_pred = discriminator(augment(real, p))
        d_loss = F.softplus(-real_pred).mean() + F.softplus(discriminator(augment(fake, p))).mean()
        d_optim.zero_grad()
        d_loss.backward()
        d_optim.step()
        p = ada.tune(real_pred)
        real = real.requires_grad_(True)
        real_pred = discriminator(augment(real, p))
        (grad,) = torch.autograd.grad(real_pred.sum(), real, create_graph=True)
        d_optim.zero_grad()
        (grad.pow(2).sum() + 0 * real_pred[0]).backward()
        d_optim.step()
