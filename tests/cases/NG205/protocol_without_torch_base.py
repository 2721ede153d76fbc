import torch
from adamp import AdamP


class Lookahead:
    """Wraps any optimizer; `step(closure)` as torch's optimizers take it."""

    def __init__(self, optimizer, k=5):
        self.optimizer, self.k, self.steps = optimizer, k, 0

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()  # expect: NG205@20
        self.optimizer.step()
        return loss


class Clipped(AdamP):
    @torch.no_grad()
    def step(self, closure=None):
        loss = closure()  # expect: NG205@16
        return loss
