"""EMA weights: updated in place under no_grad, evaluated while frozen."""
import copy

import torch
import torch.nn.functional as F


class EMA:
    def __init__(self, model, decay=0.999):
        self.shadow = copy.deepcopy(model).eval().requires_grad_(False)
        self.decay = decay

    @torch.no_grad()
    def update(self, model):
        for s, p in zip(self.shadow.parameters(), model.parameters()):
            s.lerp_(p, 1.0 - self.decay)
        for s, b in zip(self.shadow.buffers(), model.buffers()):
            s.copy_(b)


def train(model, ema, loader, opt):
    model.train()
    for x, y in loader:
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        ema.update(model)


def evaluate_ema(ema, loader):
    # every parameter of the shadow copy is frozen and the inputs are plain: no graph
    return sum((ema.shadow(x).argmax(1) == y).sum().item() for x, y in loader)
