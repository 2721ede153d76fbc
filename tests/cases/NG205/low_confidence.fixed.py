# settings: min_confidence=low
import torch
from torch import nn


class Solver(nn.Module):
    @torch.no_grad()
    def step(self, closure=None):
        with torch.enable_grad():
            return closure()  # expect: NG205@16


@torch.no_grad()
def evaluate(model, closure):
    with torch.enable_grad():
        return closure()  # expect: NG205@12
