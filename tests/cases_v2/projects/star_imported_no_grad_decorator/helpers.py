import torch


def make_nograd_func(func):
    """Runs `func` under no_grad (a wrapper the training script star-imports)."""
    def wrapper(*args, **kwargs):
        with torch.no_grad():
            return func(*args, **kwargs)

    return wrapper
