import torch


def predict(model, x):
    with torch.set_grad_enabled:  # expect: NG302@10
        return model(x)


@torch.set_grad_enabled  # expect: NG302@2
def embed(model, x):
    return model(x)


def missing_argument(model, x):
    with torch.set_grad_enabled():  # expect: NG302@10
        return model(x)
