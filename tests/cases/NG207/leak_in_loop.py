import torch
from torch import nn


def check_accuracy(model, loader):
    torch.set_grad_enabled(False)
    model.eval()
    return sum((model(x).argmax(1) == y).sum().item() for x, y in loader)


def fine_tune(model, loader, val_loader, optimizer):
    for x, y in loader:
        check_accuracy(model, val_loader)  # expect: NG207@9
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
