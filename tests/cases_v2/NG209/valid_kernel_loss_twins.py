"""Twins of the kernel loss: the bandwidth (a statistic, not the loss) computed under
`torch.no_grad()` and the loss computed with gradients on; a loss named in lower case whose
`no_grad` block only logs."""
import torch
from torch import nn


class MMD_loss(nn.Module):
    def forward(self, source, target):
        joined = torch.cat([source, target])
        distances = torch.cdist(joined, joined).pow(2)
        with torch.no_grad():
            bandwidth = distances.mean()
        kernels = torch.exp(-distances / bandwidth)
        n = source.shape[0]
        return kernels[:n, :n].mean() + kernels[n:, n:].mean() - 2 * kernels[:n, n:].mean()


class coral_loss(nn.Module):
    def forward(self, source, target):
        difference = source.T.cov() - target.T.cov()
        with torch.no_grad():
            print("distance", difference.norm().item())
        return difference.pow(2).sum() / (4 * source.shape[1] ** 2)
