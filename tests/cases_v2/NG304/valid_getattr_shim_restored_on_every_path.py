import torch

set_grad_enabled = getattr(torch.autograd, "set_grad_enabled", None)


def compare(net, x, small):
    if set_grad_enabled: set_grad_enabled(False)
    out = net(x)
    result = out.shape if small else net(x * 2).shape
    if set_grad_enabled: set_grad_enabled(True)
    return result


if __name__ == "__main__":  # a script: what runs these functions is in sight
    pass
