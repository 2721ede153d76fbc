"""The labels of an untargeted attack are the model's own predictions: the indices unpacked from
`torch.max(logits, dim=1)` carry no graph, so the loss's target is no graph of the model (no
NG104). The forward that makes them records a graph only its indices are read from: NG101 there."""
import torch
import torch.nn as nn


def fast_gradient(x, net: nn.Module, eps=0.03, y=None, targeted=False):
    x = x.detach().clone()
    x.requires_grad_(True)
    if y is None:
        _, y = torch.max(net(x), dim=1)  # expect: NG101@26
    criterion = nn.CrossEntropyLoss()
    loss = criterion(net(x), y)
    if targeted:
        loss = -loss
    loss.backward()
    return (x + eps * x.grad.sign()).clamp(0, 1).detach()


def top_two_margin(net: nn.Module, x):
    x = x.detach().clone().requires_grad_(True)
    scores, ranks = net(x).topk(2, dim=1)
    loss = nn.functional.cross_entropy(net(x), ranks[:, 1])
    loss.backward()
    return x.grad.detach(), scores[:, 0] - scores[:, 1]
