import importlib

import torch
from torch import nn


class Generative(nn.Module):
    """Every model of the zoo: a training step, and an evaluation each model writes itself."""

    def __init__(self, size):
        super().__init__()
        self.size = size
        self.optimizer = None

    def train_step(self, x):
        if self.optimizer is None:
            self.optimizer = torch.optim.Adam(self.parameters(), lr=1e-3)
        self.optimizer.zero_grad()
        loss = self.loss(x)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def evaluate(self, log, x):
        assert False, "each model draws its own samples"


def build(name, size):
    """The model class named on the command line, found in the zoo by its module's name."""
    return importlib.import_module(f"gen.{name}").Model(size)
