import torch

torch.set_grad_enabled(False)


def restored(model, x):
    previous = torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    out = model(x)
    torch.set_grad_enabled(previous)
    return out


def restored_in_finally(model, x):
    previous = torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    try:
        return model(x)
    finally:
        torch.set_grad_enabled(previous)


def inside_try(model, x):
    try:
        torch.set_grad_enabled(False)
        return model(x)
    finally:
        torch.set_grad_enabled(True)


def early_return_restores(model, x, cache):
    torch.set_grad_enabled(False)
    if x in cache:
        torch.set_grad_enabled(True)
        return cache[x]
    out = model(x)
    torch.set_grad_enabled(True)
    return out


def enables(model, x):
    torch.set_grad_enabled(True)
    return model(x)


if __name__ == "__main__":
    torch.set_grad_enabled(False)


class FrozenGrad:
    def __enter__(self):
        torch.set_grad_enabled(False)
        return self

    def __exit__(self, *exc):
        torch.set_grad_enabled(True)


if __name__ == "__main__":  # a script: what runs these functions is in sight
    pass
