import torch


def train(model, batches, optimizer):
    losses = []
    for x in batches:
        with torch.no_grad():
            losses.append(model(x).pow(2).mean())  # expect: NG201@27
    total = torch.stack(losses).sum()
    total.backward()
    optimizer.step()
