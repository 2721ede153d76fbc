import torch
from torch import nn


def fit(net, loader, optimizer, temperature=2.0):
    for xs, labels in loader:
        with torch.no_grad():
            logits = net(xs)  # expect: NG201@22
        loss = nn.functional.cross_entropy(logits / temperature, labels)
        loss.backward()
        optimizer.step()


def fit_offset(net, loader):
    offset = torch.zeros(1)  # given to the optimizer, but it does not require grad
    optimizer = torch.optim.SGD([offset], lr=0.1)
    for xs, labels in loader:
        with torch.no_grad():
            logits = net(xs)  # expect: NG201@22
        loss = nn.functional.cross_entropy(logits - offset, labels)
        loss.backward()
        optimizer.step()
