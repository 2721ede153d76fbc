import torch


def step(model, x, y, criterion, optimizer):
    with torch.no_grad(): out = model(x)  # expect: NG201@33
    loss = criterion(out, y); loss.backward()
    optimizer.step()
