"""Helpers that run the model they are handed, called in loops whose outputs only feed metrics:
a torch module handed down two calls (`nn.Bilinear`), NG101 in the helper that runs it; an attack
object's accuracy loop through `self.get_logits(x)`, which runs the `self.model` its user hands it
(a field known by its name, in a module that imports torch), NG101 at the loop's call."""
import torch
from torch import nn


def run_bilinear(scorer):
    left, right = torch.randn(40, 8), torch.randn(40, 8)
    scores = scorer(left, right)  # expect: NG101@14
    assert scores.argmax().item() >= 0


def _test_bilinear(scorer):
    run_bilinear(scorer)


def check_trained_scorer():
    _test_bilinear(nn.Bilinear(8, 8, 1))


class Attack:
    """An attack library's object holds the model its user hands it (`self.model`, known by its
    name): its own accuracy loop through `get_logits` is still reported."""

    def __init__(self, model, device="cpu"):
        self.model = model
        self.device = device

    def get_logits(self, x):
        return self.model(x)

    def clean_accuracy(self, x_orig, y_orig, bs=250):
        acc = 0.0
        for start in range(0, x_orig.shape[0], bs):
            x = x_orig[start:start + bs].to(self.device)
            output = self.get_logits(x)  # expect: NG101@22
            acc += (output.max(1)[1] == y_orig[start:start + bs]).float().sum()
        return acc.item() / x_orig.shape[0]
