import torch


def encode(model, x, cache):
    previous = torch.is_grad_enabled()
    with torch.set_grad_enabled(False):  # expect: NG304@5
        if x in cache:
            return cache[x]
        out = model(x)
        torch.set_grad_enabled(previous)
        return out
