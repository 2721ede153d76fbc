import torch
from torch import inference_mode
from torch.nn import Module


class Scale(Module):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    @torch.no_grad()  # expect: NG206@6
    def forward(self, x):
        return x * self.factor


class Model(Module):
    def __init__(self, body):
        super().__init__()
        self.scale = Scale(0.5)
        self.body = body

    def forward(self, x):
        return self.body(self.scale(x))
