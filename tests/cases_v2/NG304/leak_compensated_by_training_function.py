import torch


def check(f, rows):
    torch.set_grad_enabled(False)  # expect: NG304@5
    hits = 0
    for x, y in rows:
        hits += int((f(x).argmax(1) == y).sum())
    return hits


def epoch(f, rows, opt):
    """Turning gradients back on first thing compensates for `check`; whatever else runs after
    `check` still has them off."""
    torch.set_grad_enabled(True)
    for x, y in rows:
        loss = torch.nn.functional.cross_entropy(f(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
