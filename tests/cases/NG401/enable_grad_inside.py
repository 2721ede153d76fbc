# settings: select=NG4
import torch


@torch.no_grad()
def explain(model, x):
    with torch.enable_grad():  # expect: NG401@10
        x = x.clone().requires_grad_()
        model(x).max().backward()
    return x.grad


def refine(model, x, steps):
    with torch.no_grad():
        for _ in range(steps):
            with torch.set_grad_enabled(True):  # expect: NG401@18
                x = x.detach().requires_grad_()
                model(x).sum().backward()
    return x
