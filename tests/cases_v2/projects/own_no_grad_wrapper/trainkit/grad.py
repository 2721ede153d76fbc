"""Gradient-mode helpers shared by the training and evaluation code."""
import functools

import torch


class frozen_graph(torch.no_grad):
    """`torch.no_grad` under the project's own name (used as a context manager or decorator)."""


def no_grad_method(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with torch.no_grad():
            return fn(*args, **kwargs)

    return wrapper
