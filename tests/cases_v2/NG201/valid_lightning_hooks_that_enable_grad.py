"""Twins of `lightning_evaluation_hooks_that_differentiate.py` that are right, or whose grad mode
the analysis cannot know: silent.

- `validation_step` differentiates inside `with torch.enable_grad():` (with a Trainer given
  `inference_mode=False`, the usual way to validate a PINN);
- `training_step` differentiates: Lightning runs it with gradients on;
- a plain `nn.Module` with a method named `validation_step`: nothing says a framework runs it;
- a class whose base comes from a package the analysis cannot read: it may not be Lightning's;
- a LightningModule whose `validation_step` its own training step also calls, with gradients on."""
import lightning.pytorch as pl
import torch
from torch import nn
from solverkit import TrainableModel


def derivative(net, points):
    points = points.clone().requires_grad_(True)
    u = net(points)
    return torch.autograd.grad(u.sum(), points, create_graph=True)[0]


class WithEnableGrad(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 1))

    def training_step(self, batch, batch_idx):
        points = batch.clone().requires_grad_(True)
        u = self.net(points)
        du = torch.autograd.grad(u.sum(), points, create_graph=True)[0]
        return du.pow(2).mean()

    def validation_step(self, batch, batch_idx):
        with torch.enable_grad():
            points = batch.clone().requires_grad_(True)
            u = self.net(points)
            du = torch.autograd.grad(u.sum(), points)[0]
        self.log("val_residual", du.pow(2).mean())


class PlainSolver(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(2, 1)

    def validation_step(self, batch):
        points = batch.clone().requires_grad_(True)
        u = self.net(points)
        return torch.autograd.grad(u.sum(), points)[0]


class LibrarySolver(TrainableModel):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(2, 1)

    def validation_step(self, batch, batch_idx):
        points = batch.clone().requires_grad_(True)
        u = self.net(points)
        return torch.autograd.grad(u.sum(), points)[0].abs().mean()


class SelfValidating(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(2, 1)

    def training_step(self, batch, batch_idx):
        loss = derivative(self.net, batch).pow(2).mean()
        self.validation_step(batch, batch_idx)
        return loss

    def validation_step(self, batch, batch_idx):
        points = batch.clone().requires_grad_(True)
        u = self.net(points)
        return torch.autograd.grad(u.sum(), points)[0].abs().mean()
