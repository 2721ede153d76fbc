import torch


@torch.no_grad()
def sgd_step(model, lr):
    for p in model.parameters():
        p -= lr * p.grad


def sgd_step_data(model, lr):
    for p in model.parameters():
        p.data.add_(p.grad, alpha=-lr)


def clear(model):
    for p in model.parameters():
        p.grad.zero_()


class EMA:
    def __init__(self, model):
        self.ema_model = copy_of(model)
        for p in self.ema_model.parameters():
            p.detach_()

    def update(self, model, decay):
        for ema_p, p in zip(self.ema_model.parameters(), model.parameters()):
            ema_p.mul_(decay).add_(p.data, alpha=1 - decay)


class Optimizer:
    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                p.add_(p.grad, alpha=-group["lr"])


def _apply_update(model, lr):
    for p in model.parameters():
        p -= lr * p.grad


def train_step(model, lr):
    with torch.no_grad():
        _apply_update(model, lr)
