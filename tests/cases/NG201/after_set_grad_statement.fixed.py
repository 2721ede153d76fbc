import torch


def fit(model, loader, optimizer, criterion):
    for x, y in loader:
        loss = criterion(model(x), y)  # expect: NG201@26
        loss.backward()
        optimizer.step()
