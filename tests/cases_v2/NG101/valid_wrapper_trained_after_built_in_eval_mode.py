"""The twin: the module calls `self.eval()` when built, but its `fit` method puts it back in
train mode, so its other methods cannot count on eval mode (the mode depends on what ran last)."""
import torch
import torch.nn as nn


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(4, 1)
        self.eval()

    def forward(self, x):
        return self.body(x)

    def fit(self, batches, opt):
        self.train()
        for x, y in batches:
            loss = nn.functional.mse_loss(self.body(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()

    def scores(self, batches):
        out = []
        for x in batches:
            out.append(self.body(x))
        return torch.cat(out)
