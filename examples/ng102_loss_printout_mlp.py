# nograd-verify: expect NG102
"""Checking the loss of a freshly built classifier before training, summed for a printout.

A common sanity check: before training, the mean cross-entropy over the training data should be
close to ln(10) for ten balanced classes. `total_loss += loss` adds the loss tensor itself, so
the running total is one autograd graph that links every batch's graph, and nothing calls
backward() to free what those graphs saved: every batch's activations stay in memory until the
total is dropped at the end. Summing `loss.item()` frees each batch's graph as soon as the next
batch replaces `loss`.
"""
import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def make_loader(num_samples=4096, batch_size=32, seed=0):
    generator = torch.Generator().manual_seed(seed)
    features = torch.randn(num_samples, 256, generator=generator)
    labels = torch.randint(0, 10, (num_samples,), generator=generator)
    return DataLoader(TensorDataset(features, labels), batch_size=batch_size)


def initial_loss(model, loader, criterion):
    total_loss = 0.0
    for features, labels in loader:
        loss = criterion(model(features), labels)
        total_loss += loss
    mean = total_loss / len(loader)
    print(f"loss before training {mean:.4f} (ln 10 = {math.log(10):.4f})")


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                          nn.Linear(512, 10))
    initial_loss(model, make_loader(), nn.CrossEntropyLoss())
    return model.state_dict()


if __name__ == "__main__":
    main()
