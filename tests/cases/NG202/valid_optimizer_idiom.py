import torch
from torch.optim import Optimizer


class PlainSGD(Optimizer):
    def __init__(self, params, lr=0.1):
        super().__init__(params, {"lr": lr})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(p.grad, alpha=-group["lr"])
        return loss


@torch.no_grad()
def apply_loss(loss, optimizer):
    # The loss was computed by the caller with gradients on: backward() works here.
    loss.backward()
    optimizer.step()


class Runner:
    @torch.enable_grad()
    def compute_loss(self, batch):
        return self.criterion(self.model(batch["x"]), batch["y"])

    @torch.no_grad()
    def update(self, batch):
        loss = self.compute_loss(batch)
        loss.backward()
        self.optimizer.step()


@torch.no_grad()
def sam_step(model, optimizer, criterion, x, y):
    with torch.enable_grad():
        loss = criterion(model(x), y)
        loss.backward()
    optimizer.step()
