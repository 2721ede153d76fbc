import torch


def solve(cost, a, b, steps):
    torch.set_grad_enabled(False)
    for step in range(steps):
        a = torch.logsumexp(b - cost, dim=1)
        b = torch.logsumexp(a - cost, dim=0)
        if step == steps - 1:
            torch.set_grad_enabled(True)  # expect: NG304@13
    torch.set_grad_enabled(True)  # expect: NG304@5
    return torch.logsumexp(a + b - cost, dim=(0, 1))
