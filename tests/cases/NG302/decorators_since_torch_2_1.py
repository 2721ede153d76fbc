# settings: torch_version=2.1
import torch
from torch import no_grad


@torch.no_grad
def predict(model, x):
    return model(x)


@torch.inference_mode
def embed(model, x):
    return model(x)


@no_grad
def score(model, x):
    return model(x)


class Probe:
    @torch.enable_grad
    def saliency(self, model, x):
        return model(x)


def launch(command, disable_grads):
    if disable_grads:
        command = torch.no_grad(command)
    return command()


@torch.no_grad()
def already_called(model, x):
    return model(x)


def flag(model, x, training):
    with torch.inference_mode(not training):
        return model(x)
