# settings: torch_version=1.13
import torch
from torch import no_grad


@torch.no_grad  # expect: NG302@2
def predict(model, x):
    return model(x)


@torch.inference_mode  # expect: NG302@2
def embed(model, x):
    return model(x)


@no_grad  # expect: NG302@2
def score(model, x):
    return model(x)


class Probe:
    @torch.enable_grad  # expect: NG302@6
    def saliency(self, model, x):
        return model(x)


def launch(command, disable_grads):
    if disable_grads:
        command = torch.no_grad(command)  # expect: NG302@19
    return command()


@torch.no_grad()
def already_called(model, x):
    return model(x)


def flag(model, x, training):
    with torch.inference_mode(not training):
        return model(x)
