import torch
import torch.nn as nn


class Generator(nn.Module):
    def __init__(self, z_dim=64):
        super().__init__()
        self.z_dim = z_dim
        self.net = nn.Sequential(nn.Linear(z_dim, 256), nn.ReLU(), nn.Linear(256, 3 * 32 * 32))

    def sample_z(self, batch_size):
        return torch.randn(batch_size, self.z_dim)

    def forward(self, z):
        return self.net(z).view(-1, 3, 32, 32)
