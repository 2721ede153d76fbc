import torch
from torch import nn


def check_accuracy(model, loader):
    torch.set_grad_enabled(False)
    model.eval()
    return sum((model(x).argmax(1) == y).sum().item() for x, y in loader)


def check_accuracy_restored(model, loader):
    """Restores the mode: nothing leaks."""
    with torch.no_grad():
        model.eval()
        return sum((model(x).argmax(1) == y).sum().item() for x, y in loader)


def train_epoch_reenabled(model, loader, val_loader, optimizer):
    """Turns gradients back on before training (the upstream fix of this mistake)."""
    torch.set_grad_enabled(True)
    model.train()
    for x, y in loader:
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    check_accuracy(model, val_loader)


def train_once(model, loader, val_loader, optimizer):
    """Called once, and the check comes last: no backward runs after it."""
    for x, y in loader:
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    return check_accuracy(model, val_loader)


def train_with_restoring_check(model, loader, val_loader, optimizer):
    for x, y in loader:
        check_accuracy_restored(model, val_loader)
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()


def report(model, loader, val_loader, optimizer):
    train_once(model, loader, val_loader, optimizer)
