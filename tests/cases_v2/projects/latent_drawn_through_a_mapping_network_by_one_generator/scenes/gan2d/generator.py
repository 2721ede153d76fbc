import torch
import torch.nn as nn


class Generator(nn.Module):
    def __init__(self, z_dim=64):
        super().__init__()
        self.z_dim = z_dim
        self.mapping = nn.Sequential(nn.Linear(z_dim, z_dim), nn.ReLU(), nn.Linear(z_dim, z_dim))
        self.net = nn.Sequential(nn.Linear(z_dim, 256), nn.ReLU(), nn.Linear(256, 3 * 32 * 32))

    def sample_z(self, shape):
        # a latent through the mapping network: this one runs a network
        return self.mapping(torch.randn(*shape))

    def forward(self, z):
        return self.net(z).view(-1, 3, 32, 32)
