import torch
from torch import nn


class Standardize:
    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    @torch.inference_mode()  # expect: NG206@6
    def __call__(self, x):
        return (x - self.mean) / self.std


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.standardize = Standardize(0.5, 0.25)
        self.head = nn.Linear(8, 2)

    def forward(self, x):
        return self.head(self.standardize(x))
