import torch
from torch import nn


def compute_loss(model: nn.Module, batch, is_training: bool):
    features, targets = batch
    with torch.set_grad_enabled(is_training):
        hidden = model.encoder(features)
    logits = model.head(hidden)  # outside the block: records a graph whatever the flag
    return nn.functional.cross_entropy(logits, targets)


def validate(model: nn.Module, loader):
    model.eval()
    total = 0.0
    for batch in loader:
        loss = compute_loss(model, batch, is_training=False)  # expect: NG101@16
        total += loss.item()
    return total


def train(model: nn.Module, loader, optimizer):
    model.train()
    for batch in loader:
        loss = compute_loss(model, batch, is_training=True)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
