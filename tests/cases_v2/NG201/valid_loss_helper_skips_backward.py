import torch
import torch.nn as nn


class LossCompute:
    """Backpropagates only when it has an optimizer to step."""

    def __init__(self, generator, criterion, opt=None):
        self.generator = generator
        self.criterion = criterion
        self.opt = opt

    def __call__(self, x, y, norm):
        loss = self.criterion(self.generator(x).flatten(0, 1), y.flatten()) / norm
        if self.opt is not None:
            loss.backward()
            self.opt.step()
            self.opt.zero_grad()
        return loss.item() * norm


class GradAwareLoss:
    """Backpropagates only where gradients are on."""

    def __init__(self, criterion):
        self.criterion = criterion

    def __call__(self, out, y, norm):
        loss = self.criterion(out, y) / norm
        if torch.is_grad_enabled():
            loss.backward()
        return loss.item()


def step_on(loss, opt):
    """Backpropagates a loss its caller computed."""
    loss.backward()
    opt.step()


def update(model, x, y, opt, train):
    """Backpropagates when its caller says it trains."""
    loss = nn.functional.mse_loss(model(x), y)
    if train:
        loss.backward()
        opt.step()
    return loss.item()


def step_in_mode(model, x, y, opt, mode):
    """Backpropagates when a local its caller's mode decides says so."""
    training = mode == "train"
    loss = nn.functional.mse_loss(model(x), y)
    if training:
        loss.backward()
        opt.step()
    return loss.item()


def probe(model, x, y):
    """Tries a backward pass, and copes when there is no graph."""
    loss = nn.functional.mse_loss(model(x), y)
    try:
        loss.backward()
    except RuntimeError:
        return None
    return [p.grad for p in model.parameters()]


@torch.enable_grad()
def refine(model, x, y, opt):
    """Turns gradients back on itself: callable under no_grad."""
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()


def run_epoch(batches, model, loss_compute):
    total = 0.0
    for src, tgt in batches:
        total += loss_compute(model(src), tgt, tgt.numel())
    return total


def fit(model, generator, train_batches, valid_batches, opt, flag):
    criterion = nn.CrossEntropyLoss()
    model.train()
    train_loss = nn.functional.mse_loss(model(train_batches[0][0]), train_batches[0][1])
    run_epoch(train_batches, model, LossCompute(generator, criterion, opt))
    model.eval()
    with torch.no_grad():
        print(run_epoch(valid_batches, model, LossCompute(generator, criterion)))
        print(run_epoch(valid_batches, model, GradAwareLoss(criterion)))
        step_on(train_loss, opt)  # the loss was computed with gradients on: backward works
        refine(model, valid_batches[0][0], valid_batches[0][1], opt)
        update(model, valid_batches[0][0], valid_batches[0][1], opt, flag)
        probe(model, valid_batches[0][0], valid_batches[0][1])
        step_in_mode(model, valid_batches[0][0], valid_batches[0][1], opt, flag)
