import torch
from torch import nn


def check_accuracy(model, loader):
    """Turns gradients off for good: nothing restores the mode when it returns."""
    torch.set_grad_enabled(False)
    model.eval()
    correct = 0
    for x, y in loader:
        correct += (model(x).argmax(1) == y).sum().item()
    return correct


def train_epoch(model, loader, val_loader, optimizer):
    model.train()
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(check_accuracy(model, val_loader))  # expect: NG207@11


def fit(model, loader, val_loader, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(epochs):
        train_epoch(model, loader, val_loader, optimizer)


def fine_tune(model, loader, val_loader, optimizer):
    for x, y in loader:
        check_accuracy(model, val_loader)  # expect: NG207@9
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
