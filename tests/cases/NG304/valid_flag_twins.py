import torch


def set_grad(flag):
    """Sets the mode for the caller: that is what it is for."""
    torch.set_grad_enabled(flag)


def with_form(model, x, train):
    with torch.set_grad_enabled(train):
        return model(x)


def restored_in_finally(model, x, train):
    previous = torch.is_grad_enabled()
    torch.set_grad_enabled(train)
    try:
        return model(x)
    finally:
        torch.set_grad_enabled(previous)


def restored_after(model, x, train):
    torch.set_grad_enabled(train)
    out = model(x)
    torch.set_grad_enabled(True)
    return out


def switch_back(model, x, mode):
    torch.set_grad_enabled(False)
    out = model(x)
    torch.set_grad_enabled(mode)
    return out.sum()


class Saved:
    def __enter__(self):
        self.previous = torch.is_grad_enabled()
        torch.set_grad_enabled(False)

    def __exit__(self, *exc):
        torch.set_grad_enabled(self.previous)
        return False
