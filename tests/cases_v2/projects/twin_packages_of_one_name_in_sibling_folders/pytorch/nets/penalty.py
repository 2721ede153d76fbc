import torch
import torch.nn as nn


class GradientPenalty(nn.Module):
    """WGAN-GP: the critic's gradient with respect to its input."""

    def forward(self, critic, real, fake):
        mixed = (0.5 * real + 0.5 * fake).requires_grad_(True)
        score = critic(mixed)
        grads = torch.autograd.grad(score.sum(), mixed, create_graph=True)[0]
        return ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()
