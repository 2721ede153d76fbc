"""A parallel wrapper that lets callers reach the wrapped module's attributes: a module itself."""
from torch import nn


class Parallel(nn.DataParallel):
    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.module, name)
