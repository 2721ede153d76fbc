import torch
from torch import nn


def fit_then_report(f: nn.Module, pairs, opt):
    for x, y in pairs:
        loss = torch.nn.functional.mse_loss(f(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    worst = 0.0
    for x, y in pairs:
        worst = max(worst, (f(x) - y).abs().max().item())  # expect: NG101@29
    return worst
