import torch
from torch import nn


def check_accuracy(model, loader):
    torch.set_grad_enabled(False)
    model.eval()
    return sum((model(x).argmax(1) == y).sum().item() for x, y in loader)


def fine_tune(model, loader, val_loader, optimizer):
    for x, y in loader:
        print(check_accuracy(model, val_loader))  # expect: NG207@15
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
