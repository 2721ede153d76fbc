import torch


def freeze_all():
    torch.set_grad_enabled(False)


def unfreeze_all():
    """A short module-level pair manages the mode on purpose."""
    torch.set_grad_enabled(True)
