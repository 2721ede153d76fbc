import torch


def input_gradient(model, x, target, criterion):
    loss = criterion(model(x), target)  # expect: NG201@22
    loss.backward()
    return loss.item()
