import torch


def refine(cost, a):
    # the saved mode's name is taken here, so there is no fix
    grad_was_enabled = None
    torch.autograd.set_grad_enabled(False)
    a = a - cost.min()
    torch.autograd.set_grad_enabled(True)  # expect: NG304@5
    return a.exp()


def outside_the_block(cost, a, small):
    if small:
        torch.set_grad_enabled(False)
        a = a - cost.min()
    # turned back on outside the block that turned them off: no fix
    torch.set_grad_enabled(True)  # expect: NG304@5
    return a.exp()
