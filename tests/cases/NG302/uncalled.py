import torch
import torch as T
from torch import enable_grad, no_grad as ng


def predict(model, x):
    with torch.no_grad:  # expect: NG302@10
        return model(x)


def embed(model, x):
    with T.inference_mode:  # expect: NG302@10
        return model(x)


def alias(model, x):
    with ng:  # comment stays  # expect: NG302@10
        y = model(x)
    with enable_grad, open("log.txt") as log:  # expect: NG302@10
        log.write(str(model(y)))
