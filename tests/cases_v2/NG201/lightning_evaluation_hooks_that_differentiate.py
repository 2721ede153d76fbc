"""A physics-informed network trained with Lightning: its evaluation hooks take derivatives of the
network's output with `torch.autograd.grad`. Lightning runs `validation_step` and `test_step`
with gradients disabled (under `torch.inference_mode()` by default), so the output has no graph
and `autograd.grad` raises. NG201, medium (the framework's context is known from the class's
base, not written in sight): at the forward pass in `validation_step`, and at the call of the
helper that differentiates in `test_step`."""
import lightning.pytorch as pl
import torch
from torch import nn


class HeatEquation(pl.LightningModule):
    def __init__(self, diffusivity: float = 0.1):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 1))
        self.diffusivity = diffusivity

    def residual(self, points):
        points = points.clone().requires_grad_(True)
        u = self.net(points)
        du = torch.autograd.grad(u.sum(), points, create_graph=True)[0]
        return du[:, 1] - self.diffusivity * du[:, 0]

    def training_step(self, batch, batch_idx):
        loss = self.residual(batch).pow(2).mean()
        self.log("train_residual", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        points = batch.requires_grad_(True)
        u = self.net(points)  # expect: NG201@13
        du = torch.autograd.grad(u.sum(), points)[0]
        self.log("val_residual", (du[:, 1] - self.diffusivity * du[:, 0]).pow(2).mean())

    def test_step(self, batch, batch_idx):
        self.log("test_residual", self.residual(batch).pow(2).mean())  # expect: NG201@35

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3)
