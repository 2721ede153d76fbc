"""A method named like inference whose output is part of the training objective (a sample the
loss compares): its graph is needed, whatever its name says."""
import torch
from torch import nn


class Denoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(16, 16)

    def forward(self, x):
        return self.net(x)

    def sample(self, x):
        return x - self.net(x)


def train(batches):
    model = Denoiser()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    for x, clean in batches:
        loss = (model.sample(x) - clean).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
