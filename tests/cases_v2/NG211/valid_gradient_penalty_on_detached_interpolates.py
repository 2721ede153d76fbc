"""WGAN-GP: the penalty runs the critic on interpolates built from the fakes' values (`.data`,
detached on purpose) and takes their gradient with `create_graph=True`; the penalty is
backpropagated into the critic, which `d_optimizer` steps. The inner `torch.autograd.grad` is no
loss of its own: what trains is decided where the penalty is backpropagated, silent."""
import torch
from torch import nn


class Trainer:
    def __init__(self, generator: nn.Module, critic: nn.Module):
        self.G, self.D = generator, critic
        self.g_optimizer = torch.optim.Adam(filter(lambda p: p.requires_grad, self.G.parameters()), 1e-4)
        self.d_optimizer = torch.optim.Adam(filter(lambda p: p.requires_grad, self.D.parameters()), 4e-4)

    def train(self, loader, z_dim=128, lambda_gp=10.0):
        for real in loader:
            z = torch.randn(real.size(0), z_dim)
            fake = self.G(z)
            d_loss = self.D(fake.detach()).mean() - self.D(real).mean()
            self.d_optimizer.zero_grad()
            d_loss.backward()
            self.d_optimizer.step()

            alpha = torch.rand(real.size(0), 1)
            interpolated = (alpha * real.data + (1 - alpha) * fake.data).requires_grad_(True)
            out = self.D(interpolated)
            grad = torch.autograd.grad(outputs=out, inputs=interpolated, grad_outputs=torch.ones_like(out),
                                       retain_graph=True, create_graph=True, only_inputs=True)[0]
            penalty = lambda_gp * ((grad.view(grad.size(0), -1).norm(2, dim=1) - 1) ** 2).mean()
            self.d_optimizer.zero_grad()
            penalty.backward()
            self.d_optimizer.step()

            g_loss = -self.D(self.G(z)).mean()
            self.g_optimizer.zero_grad()
            g_loss.backward()
            self.g_optimizer.step()
