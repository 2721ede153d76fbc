import torch
from torch import nn


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)

    @torch.no_grad()
    def forward(self, x):
        return (x - self.mean) / self.std


class Trainable(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(8, 8)

    @torch.inference_mode(False)
    def forward(self, x):
        return self.linear(x)


class Served(nn.Module):
    """Serving only: its own forward is inference_mode, so its parts are never trained through it."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.norm = Standardize(0.0, 1.0)

    @torch.inference_mode()
    def forward(self, x):
        return self.model(self.norm(x)).argmax(-1)


class Reader:
    """Not a module: `forward` is an ordinary method name here."""

    @torch.inference_mode()
    def forward(self, path):
        return torch.load(path)

    @torch.inference_mode()
    def predict(self, x):
        return x.argmax(-1)


def attach(model):
    @torch.inference_mode()
    def log_shape(module, inputs, output):
        print(output.shape)

    model.register_forward_hook(log_shape)


def train(model, loader):
    opt = torch.optim.Adam(model.parameters())
    for x, y in loader:
        loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
