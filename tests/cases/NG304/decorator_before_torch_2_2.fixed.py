# settings: torch_version=2.0
import torch
from torch import set_grad_enabled


@torch.no_grad()  # expect: NG304@2
def test_cached_activations_match(model, tokens):
    return model(tokens)


@torch.no_grad()  # expect: NG304@2
def embed(model, x):
    return model(x)


@torch.set_grad_enabled(True)
def train_step(model, x):
    return model(x).sum()
