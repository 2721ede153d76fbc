import torch


@torch.no_grad
def predict(model, x):
    return model(x)


@torch.inference_mode
def embed(model, x):
    return model(x)


@torch.enable_grad
def saliency(model, x):
    return model(x)


@torch.set_grad_enabled(False)
def frozen(model, x):
    return model(x)


def called(model, x):
    with torch.no_grad(), open("log.txt"):
        return model(x)
