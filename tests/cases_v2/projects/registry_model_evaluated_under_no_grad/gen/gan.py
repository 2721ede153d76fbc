import torch
from torch import nn

from gen import common


class Model(common.Generative):
    def __init__(self, size):
        super().__init__(size)
        self.gen = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, size))
        self.disc = nn.Sequential(nn.Linear(size, 32), nn.ReLU(), nn.Linear(32, 1))

    def loss(self, x):
        fake = self.gen(torch.randn(x.shape[0], 8))
        return -self.disc(fake).mean() + self.disc(x).mean()

    def sample(self, n):
        return self.gen(torch.randn(n, 8))

    def evaluate(self, log, x):
        log["samples"] = self.sample(16).cpu()
        log["realism"] = self.disc(x).mean().item()
