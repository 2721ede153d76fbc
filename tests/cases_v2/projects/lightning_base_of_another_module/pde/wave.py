import torch
from torch import nn

from .base import SolverModule


class WaveSolver(SolverModule):
    def __init__(self, speed: float = 1.0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 1))
        self.speed = speed

    def training_step(self, batch, batch_idx):
        points = batch.clone().requires_grad_(True)
        grad = torch.autograd.grad(self.net(points).sum(), points, create_graph=True)[0]
        return (grad[:, 1] - self.speed * grad[:, 0]).pow(2).mean()

    def on_validation_epoch_end(self):
        probe = torch.rand(256, 2, requires_grad=True)
        value = self.net(probe)  # expect: NG201@17
        grad = torch.autograd.grad(value.sum(), probe)[0]
        self.log("probe_gradient", grad.norm())
