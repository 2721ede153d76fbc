"""Gradients disabled through wrappers: ExitStack, project-local decorators and context helpers."""
import contextlib

import torch


def smart_inference_mode():
    def decorate(fn):
        return (torch.inference_mode if torch.__version__ >= "1.9" else torch.no_grad)()(fn)

    return decorate


def maybe_no_grad():
    return torch.no_grad()


@smart_inference_mode()
def predict(model, x):
    model.eval()
    return model(x)


def evaluate(model, loader):
    model.eval()
    with maybe_no_grad():
        return [model(x).sum().item() for x in loader]


def validate(model, loader):
    model.eval()
    with contextlib.ExitStack() as stack:
        stack.enter_context(torch.no_grad())
        return [model(x).sum().item() for x in loader]
