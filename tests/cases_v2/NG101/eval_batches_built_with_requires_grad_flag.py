"""Batches are built by a helper that passes its flag on to `requires_grad_()`: the scoring loop
asks for batches that do not require grad, so nothing in it wants them, and its forward passes record
graphs for nothing (the flag reaches the tensors through a second helper)."""
import torch


def pad(rows, width, grad):
    out = torch.zeros((len(rows), width))
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.tensor(row)
    return out.requires_grad_(grad)


def make_batch(rows, width, grad=True):
    return pad(rows, width, grad)


def fit(m, rows, targets, opt):
    m.train()
    for start in range(0, len(rows), 32):
        x = make_batch(rows[start : start + 32], 50)
        loss = torch.nn.functional.cross_entropy(m(x), targets[start : start + 32])
        opt.zero_grad()
        loss.backward()
        opt.step()


def score(m, rows, targets):
    m.eval()
    hits = 0
    for start in range(0, len(rows), 32):
        x = make_batch(rows[start : start + 32], 50, False)
        hits += (m(x).argmax(1) == targets[start : start + 32]).sum().item()  # expect: NG101@18
    return hits / len(rows)
