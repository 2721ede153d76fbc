# settings: min_confidence=high
import torch


def refine(cost, a):
    torch.set_grad_enabled(False)
    a = a - cost.min()
    torch.set_grad_enabled(True)  # expect: NG304@5
    return a.exp()


def validate(costs, a):
    with torch.no_grad():
        return [refine(cost, a) for cost in costs]
