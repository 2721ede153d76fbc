# settings: min_confidence=high
import torch
from torch import nn


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)

    @torch.inference_mode  # expect: NG206@6
    def forward(self, x):
        return (x - self.mean) / self.std


class Clip(nn.Module):
    @torch.inference_mode()
    def forward(self, x):
        return x.clamp(-3, 3)


class Net(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.norm = Standardize(mean, std)
        self.head = nn.Linear(8, 1)

    def forward(self, x):
        return self.head(self.norm(x))


class Other(nn.Module):
    def __init__(self):
        super().__init__()
        self.clip = Clip()
        self.head = nn.Linear(8, 1)

    def forward(self, x):
        return self.head(self.clip(x))


def fit(loader, mean, std):
    net = Net(mean, std)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for x, y in loader:
        loss = nn.functional.mse_loss(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net
