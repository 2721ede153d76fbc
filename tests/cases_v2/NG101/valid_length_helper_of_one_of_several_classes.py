"""A separation helper is given a model annotated `Union[Bag, Model]`, `Model` an alias of a Union
of two network classes. It asks the model for a valid input length, a method both networks
define as integer arithmetic (the bag has none: the call is guarded by `hasattr`), and runs
the model under `no_grad`. The length query is no forward pass: no finding."""
import math
import typing as tp

import torch
import torch.nn.functional as F
from torch import nn


class ConvNet(nn.Module):
    def __init__(self, depth=4, kernel_size=8, stride=4):
        super().__init__()
        self.depth, self.kernel_size, self.stride = depth, kernel_size, stride
        self.layers = nn.ModuleList(nn.Conv1d(2, 2, kernel_size, stride) for _ in range(depth))

    def valid_length(self, length):
        for _ in range(self.depth):
            length = max(1, math.ceil((length - self.kernel_size) / self.stride) + 1)
        for _ in range(self.depth):
            length = (length - 1) * self.stride + self.kernel_size
        return int(length)

    def forward(self, mix):
        for layer in self.layers:
            mix = layer(mix)
        return mix


class TransformerNet(nn.Module):
    def __init__(self, segment=44100):
        super().__init__()
        self.segment = segment
        self.proj = nn.Linear(2, 2)

    def valid_length(self, length):
        if length > self.segment:
            raise ValueError("longer than the training segment")
        return self.segment

    def forward(self, mix):
        return self.proj(mix.transpose(1, 2)).transpose(1, 2)


class Bag(nn.Module):
    def __init__(self, models):
        super().__init__()
        self.models = nn.ModuleList(models)

    def forward(self, mix):
        return sum(model(mix) for model in self.models) / len(self.models)


Model = tp.Union[ConvNet, TransformerNet]


def separate(model: tp.Union[Bag, Model], mix):
    model.eval()
    length = mix.shape[-1]
    valid = model.valid_length(length) if hasattr(model, "valid_length") else length
    with torch.no_grad():
        out = model(F.pad(mix, (0, valid - length)))
    return out[..., :length]
