import torch

# torch before 1.0 has no set_grad_enabled
set_grad_enabled = getattr(torch.autograd, "set_grad_enabled", None)


def compare(net, x, small):
    if set_grad_enabled: set_grad_enabled(False)  # expect: NG304@26
    out = net(x)
    if small:
        return out.shape
    out2 = net(x * 2)
    if set_grad_enabled: set_grad_enabled(True)
    return out2.shape


if __name__ == "__main__":  # a script: what runs these functions is in sight
    pass
