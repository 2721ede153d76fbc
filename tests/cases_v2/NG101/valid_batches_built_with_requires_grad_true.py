"""The twin: the loop asks for inputs that require grad and differentiates the scores with
respect to them (a saliency map), so the graphs are wanted."""
import torch


def pad(rows, width, grad):
    return torch.tensor([row + [0.0] * (width - len(row)) for row in rows], requires_grad=grad)


def make_batch(rows, width, grad=True):
    return pad(rows, width, grad)


def saliency(m, rows):
    m.eval()
    maps = []
    for start in range(0, len(rows), 32):
        x = make_batch(rows[start : start + 32], 50, True)
        top = m(x).max(1).values.sum()
        maps.append(torch.autograd.grad(top, x)[0])
    return maps
