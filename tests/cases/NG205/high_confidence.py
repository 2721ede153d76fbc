# settings: min_confidence=high
import torch
from torch.optim import Optimizer


class Base(Optimizer):
    pass


class SignSGD(Base):
    @torch.no_grad()
    def step(self, closure=None):
        loss = closure()  # expect: NG205@16
        for group in self.param_groups:
            for p in group["params"]:
                p.add_(p.grad.sign(), alpha=-group["lr"])
        return loss


class Lookahead:
    def __init__(self, optimizer):
        self.optimizer = optimizer

    @torch.no_grad()
    def step(self, closure=None):
        loss = closure()
        self.optimizer.step()
        return loss
