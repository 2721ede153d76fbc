"""Evaluation that already runs without gradients, spelled every way: silent."""
import torch
import torch as T
from torch import no_grad as ng
from torch.autograd import grad_mode
import torch.autograd


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    return [model(x) for x in loader]


@T.inference_mode()
def predict(model, x):
    model.eval()
    return model(x)


@torch.no_grad
def test_accuracy(model, loader):
    return sum(model(x).sum().item() for x in loader)


def validate(model, loader):
    model.eval()
    with ng():
        for x in loader:
            model(x)


def infer(model, x):
    with open("log.txt") as fh, grad_mode.no_grad():
        fh.write(str(model(x).sum().item()))


def evaluate_autograd(model, x):
    model.eval()
    with torch.autograd.no_grad():
        return model(x).mean().item()


def evaluate_set_grad(model, x):
    model.eval()
    torch.set_grad_enabled(False)
    out = model(x).sum().item()
    torch.set_grad_enabled(True)
    return out


def _predict_batch(model, x):
    # only ever called under no_grad in this module
    return model(x)


def predict_all(model, xs):
    model.eval()
    with torch.no_grad():
        return [_predict_batch(model, x) for x in xs]


def run_evaluation(model, loader):
    model.eval()
    with torch.inference_mode():
        outputs = [model(x) for x in loader]
    return outputs
