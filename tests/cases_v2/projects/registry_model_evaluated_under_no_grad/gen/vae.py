import torch
from torch import nn

from gen import common


class Model(common.Generative):
    def __init__(self, size):
        super().__init__(size)
        self.encoder = nn.Linear(size, 8)
        self.decoder = nn.Linear(8, size)

    def loss(self, x):
        return ((self.decoder(self.encoder(x)) - x) ** 2).mean()

    def sample(self, n):
        return (torch.sigmoid(self.decoder(torch.randn(n, 8))) > 0.5).float()

    def evaluate(self, log, x):
        log["samples"] = self.sample(16)
        log["reconstruction"] = self.decoder(self.encoder(x)).cpu()
