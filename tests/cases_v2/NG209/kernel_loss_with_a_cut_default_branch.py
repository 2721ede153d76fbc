"""A distribution-distance loss named in lower case (`MMD_loss`): its default branch averages the
kernel matrix under `torch.no_grad()` "to save memory", so the loss it returns carries no graph
back to the features; the other branch keeps it. NG209 (medium) at the context expression."""
import torch
from torch import nn


class MMD_loss(nn.Module):
    def __init__(self, kernel="rbf"):
        super().__init__()
        self.kernel = kernel

    def rbf(self, source, target):
        joined = torch.cat([source, target])
        distances = torch.cdist(joined, joined).pow(2)
        return torch.exp(-distances / distances.detach().mean())

    def forward(self, source, target):
        if self.kernel == "linear":
            delta = source.mean(0) - target.mean(0)
            return delta.dot(delta)
        n = source.shape[0]
        kernels = self.rbf(source, target)
        with torch.no_grad():  # expect: NG209@14
            loss = kernels[:n, :n].mean() + kernels[n:, n:].mean() - 2 * kernels[:n, n:].mean()
        return loss
