import torch


def solve(cost, a, b, steps):
    previous = torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    for _ in range(steps):
        a = torch.logsumexp(b - cost, dim=1)
    torch.set_grad_enabled(previous)
    return a


def solve_in_a_block(cost, a, b, steps):
    with torch.no_grad():
        for _ in range(steps):
            a = torch.logsumexp(b - cost, dim=1)
    return a


def enable_only(model, x):
    torch.set_grad_enabled(True)
    return model(x)
