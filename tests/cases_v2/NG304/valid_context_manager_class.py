"""A context manager class: `__enter__` turns gradients off and `__exit__` (however long) puts
them back on. The pair manages the mode: nothing leaks."""
import torch


class Frozen:
    def __init__(self, model):
        self.model = model

    def __enter__(self):
        torch.set_grad_enabled(False)
        return self.model

    def __exit__(self, *exc):
        torch.set_grad_enabled(True)
        self.model.train()
        for p in self.model.parameters():
            p.requires_grad_(True)
        return False
