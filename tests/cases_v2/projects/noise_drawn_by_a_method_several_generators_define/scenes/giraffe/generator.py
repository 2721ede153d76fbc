import torch
import torch.nn as nn


class Generator(nn.Module):
    def __init__(self, z_dim=32):
        super().__init__()
        self.z_dim = z_dim
        self.decoder = nn.Sequential(nn.Linear(2 * z_dim, 256), nn.ReLU(), nn.Linear(256, 3 * 32 * 32))

    def sample_z(self, shape, tmp=1.0):
        return torch.randn(*shape) * tmp

    def forward(self, batch_size, codes):
        return self.decoder(torch.cat(codes, -1)).view(batch_size, 3, 32, 32)
