import torch
from torch import inference_mode


def predict(model, x):
    torch.no_grad()  # expect: NG303@5
    return model(x)


def embed(model, x):
    inference_mode()  # expect: NG303@5
    return model(x)


torch.autograd.enable_grad()  # expect: NG303@1
