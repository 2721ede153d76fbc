import torch
import torch.nn as nn


class LossCompute:
    """Computes the loss, backpropagates it, and steps the optimizer when one is given."""

    def __init__(self, generator, criterion, opt=None):
        self.generator = generator
        self.criterion = criterion
        self.opt = opt

    def __call__(self, x, y, norm):
        out = self.generator(x)
        loss = self.criterion(out.flatten(0, 1), y.flatten()) / norm
        loss.backward()  # raises when the caller turned gradients off
        if self.opt is not None:
            self.opt.step()
            self.opt.zero_grad()
        return loss.item() * norm


def run_epoch(batches, model, loss_compute):
    total = 0.0
    for src, tgt in batches:
        hidden = model(src)
        total += loss_compute(hidden, tgt, tgt.numel())
    return total


def scaled_step(loss, opt, accumulation):
    """Backpropagates a share of its caller's loss: the division records nothing under no_grad."""
    (loss / accumulation).backward()
    opt.step()


def fit(model, generator, train_batches, valid_batches, epochs):
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(list(model.parameters()) + list(generator.parameters()))
    for _ in range(epochs):
        model.train()
        run_epoch(train_batches, model, LossCompute(generator, criterion, opt))
        model.eval()
        with torch.no_grad():
            valid = run_epoch(valid_batches, model, LossCompute(generator, criterion))  # expect: NG201@21
        print(valid)
        loss = criterion(generator(model(valid_batches[0][0])), valid_batches[0][1])
        with torch.no_grad():
            scaled_step(loss, opt, 4)  # expect: NG201@13
