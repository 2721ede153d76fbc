import torch


class LossCompute:
    """The loss of a batch, backpropagated; the optimizer steps when one is given."""

    def __init__(self, generator, criterion, opt=None):
        self.generator = generator
        self.criterion = criterion
        self.opt = opt

    def __call__(self, x, y, norm):
        logits = self.generator(x)
        loss = self.criterion(logits.view(-1, logits.size(-1)), y.view(-1)) / norm
        loss.backward()
        if self.opt is not None:
            self.opt.step()
            self.opt.zero_grad()
        return loss.item() * norm


class EvalLossCompute(LossCompute):
    """The same loss without the backward pass, for validation."""

    def __call__(self, x, y, norm):
        logits = self.generator(x)
        return self.criterion(logits.view(-1, logits.size(-1)), y.view(-1)).item()
