"""A trainer is given the factory of its EMA tracker (`build_ema: Callable[[nn.Module],
EMATracker]`), so `self._ema` holds an `EMATracker`, a plain class whose `__call__` updates the
averages under `no_grad`. Calling it after every step is no forward pass, although `_ema` reads
like the name of a model copy. Silent."""
from typing import Callable

import torch
from torch import nn


class EMATracker:
    def __init__(self, model: nn.Module, decay: float = 0.999):
        self.decay = decay
        self.shadow = {name: p.detach().clone() for name, p in model.named_parameters()}

    def __call__(self, model: nn.Module):
        with torch.no_grad():
            for name, p in model.named_parameters():
                self.shadow[name].mul_(self.decay).add_(p, alpha=1 - self.decay)


class Trainer:
    def __init__(self, model: nn.Module, stepper, build_ema: Callable[[nn.Module], EMATracker], batches):
        self.model = model
        self.stepper = stepper
        self._ema = build_ema(stepper.modules)
        self.evaluation_batches = batches

    def train_one_epoch(self, loader):
        for batch in loader:
            self.stepper.train_on_batch(batch)
            self._ema(model=self.stepper.modules)
        for batch in self.evaluation_batches:
            self.stepper.record(batch)
