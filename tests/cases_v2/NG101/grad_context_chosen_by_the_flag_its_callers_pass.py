"""One epoch function picks its grad-mode context from a flag (`torch.enable_grad if is_train
else torch.no_grad`) and enters it around the loop. Called with `is_train=False`, the loop runs
under `no_grad`: silent. `one_epoch_forgetful` picks `contextlib.nullcontext` for validation,
which leaves gradients on, so its validation call records a graph per batch: NG101 at that call."""
import contextlib

import torch
from torch import nn


def one_epoch(model, loader, optimizer, is_train=True):
    grad_context = torch.enable_grad if is_train else torch.no_grad
    model.train(is_train)
    losses = []
    with grad_context():
        for x, y in loader:
            loss = nn.functional.mse_loss(model(x), y)
            if is_train:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            losses.append(loss.item())
    return sum(losses) / len(losses)


def one_epoch_forgetful(model, loader, optimizer, is_train=True):
    grad_context = torch.enable_grad if is_train else contextlib.nullcontext
    model.train(is_train)
    losses = []
    with grad_context():
        for x, y in loader:
            loss = nn.functional.mse_loss(model(x), y)
            if is_train:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            losses.append(loss.item())
    return sum(losses) / len(losses)


def main(model, loaders, optimizer, epochs=10):
    for _ in range(epochs):
        one_epoch(model, loaders["train"], optimizer, is_train=True)
        print(one_epoch(model, loaders["val"], optimizer, is_train=False))
        one_epoch_forgetful(model, loaders["train"], optimizer, is_train=True)
        print(one_epoch_forgetful(model, loaders["val"], optimizer, is_train=False))  # expect: NG101@15
