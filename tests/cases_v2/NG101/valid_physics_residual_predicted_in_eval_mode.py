"""A physics-informed network's `predict` puts the network in eval mode and computes the PDE
residual, which takes `torch.autograd.grad` of the output with respect to its inputs (made with
`requires_grad=True`): gradients are needed, and the call of `residual` takes them for a
computation, it updates no weights. Silent (a dev-set PINN notebook reported at high when such a
call was read as a training step)."""
import torch
from torch import nn


class PINN:
    def __init__(self, points):
        self.net = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 1))
        self.points = points
        self.optimizer = torch.optim.LBFGS(self.net.parameters())

    def solution(self, x, t):
        return self.net(torch.cat([x, t], dim=1))

    def residual(self, x, t):
        u = self.solution(x, t)
        u_t = torch.autograd.grad(u, t, torch.ones_like(u), create_graph=True)[0]
        u_x = torch.autograd.grad(u, x, torch.ones_like(u), create_graph=True)[0]
        return u_t + u * u_x

    def loss(self):
        self.optimizer.zero_grad()
        x, t = self.points
        loss = self.residual(x, t).pow(2).mean()
        loss.backward()
        return loss

    def train(self):
        self.net.train()
        self.optimizer.step(self.loss)

    def predict(self, grid):
        x = torch.tensor(grid[:, 0:1], requires_grad=True).float()
        t = torch.tensor(grid[:, 1:2], requires_grad=True).float()
        self.net.eval()
        u = self.solution(x, t)
        f = self.residual(x, t)
        return u.detach().numpy(), f.detach().numpy()
