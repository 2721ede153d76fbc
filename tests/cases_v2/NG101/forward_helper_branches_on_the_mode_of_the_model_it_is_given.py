"""A forward helper shared by training and validation picks its grad mode from the model it is
given: `if model.training:` runs the pass with gradients, `else:` under `torch.no_grad()`. The
validation loop puts the model in eval mode before calling it, so the helper takes the no_grad
branch there: nothing is reported. `score_batch`, whose eval branch forgets no_grad, is reported
where the validation loop calls it."""
import torch
from torch import nn


def encode_pair(model: nn.Module, batch):
    if model.training:
        out = model(batch["x"])
    else:
        with torch.no_grad():
            out = model(batch["x"])
    return nn.functional.cross_entropy(out, batch["y"])


def score_batch(model: nn.Module, batch):
    if model.training:
        out = model(batch["x"])
    else:
        out = model(batch["x"])
    return nn.functional.cross_entropy(out, batch["y"])


def train_epoch(model: nn.Module, loader, optimizer):
    model.train()
    for batch in loader:
        loss = encode_pair(model, batch) + score_batch(model, batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def validate(model: nn.Module, loader):
    model.eval()
    total = 0.0
    for batch in loader:
        total += encode_pair(model, batch).item()
    return total / len(loader)


def validate_scores(model: nn.Module, loader):
    model.eval()
    total = 0.0
    for batch in loader:
        total += score_batch(model, batch).item()  # expect: NG101@18
    return total / len(loader)
