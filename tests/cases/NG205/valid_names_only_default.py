import torch
from torch import nn


class Solver(nn.Module):
    @torch.no_grad()
    def step(self, closure=None):
        return closure()


@torch.no_grad()
def evaluate(model, closure):
    return closure()
