import torch


@torch.no_grad()
def input_gradient(model, x, target, criterion):
    loss = criterion(model(x), target)  # expect: NG201@22
    loss.backward()
    return loss.item()
