"""A score network trained, then sampled through a Langevin helper that calls the function it is
handed: given the network, the helper runs its forward pass at every step with gradients on, and
the caller keeps only the samples' values. Another caller hands the helper a plain function."""
import torch
import torch.nn as nn


def langevin(score_fn, x, steps=100, eps=0.01):
    for _ in range(steps):
        x = x + eps * score_fn(x) + (2 * eps) ** 0.5 * torch.randn_like(x)
    return x


def gaussian_score(x):
    return -x


class ScoreNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 64), nn.Softplus(), nn.Linear(64, 2))

    def forward(self, x):
        return self.net(x)


def train(data, epochs=10):
    score = ScoreNet()
    opt = torch.optim.Adam(score.parameters(), lr=1e-3)
    for _ in range(epochs):
        for x in data:
            loss = ((score(x) + x) ** 2).sum(dim=-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    samples = langevin(score, torch.randn(1000, 2))  # expect: NG101@15
    return samples.detach().numpy()


def check_sampler():
    return langevin(gaussian_score, torch.randn(1000, 2)).mean(0)
