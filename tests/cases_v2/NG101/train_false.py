import torch
import torch.nn.functional as F


def score_split(net, loader):
    net.train(False)
    total, n = 0.0, 0
    for x, y in loader:
        total += F.cross_entropy(net(x), y, reduction="sum").item()  # expect: NG101@34
        n += y.numel()
    return total / n
