"""A training epoch makes its loss's input a new leaf (`model(x).detach().requires_grad_(True)`),
and its caller passes the optimizer it built over `model.parameters()`: the gradient stops at the
leaf, so the model never learns. The message names the optimizer as the epoch spells it (`optim`),
not as its caller does."""
import torch
import torch.nn.functional as F


def train_epoch(model, batches, optim):
    for x, y in batches:
        pred = model(x).detach().requires_grad_(True)  # expect: NG211@16
        loss = F.mse_loss(pred, y)
        optim.zero_grad()
        loss.backward()
        optim.step()


def main(model, batches):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(3):
        train_epoch(model, batches, optimizer)
