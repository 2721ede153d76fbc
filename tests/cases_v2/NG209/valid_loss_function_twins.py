"""Twins: a loss function that runs only the target's branch under no_grad; an evaluation helper
named for the loss it returns, which iterates its loader under no_grad; and a plain class named
for a loss that only tracks the values it is given."""
import torch
import torch.nn.functional as F


def perceptual_loss(prediction, target, features):
    with torch.no_grad():
        wanted = features(target)
    return F.mse_loss(prediction, target) + 0.01 * F.mse_loss(features(prediction), wanted)


def loss_on_loader(model, loader):
    model.eval()
    total = 0.0
    with torch.no_grad():
        for x, y in loader:
            total = total + F.cross_entropy(model(x), y, reduction="sum")
    return total / len(loader.dataset)


class LossTracker:
    def __init__(self):
        self.values = []

    def __call__(self, loss, size):
        with torch.no_grad():
            self.values.append(loss.detach() * size)
            return torch.stack(self.values).mean()
