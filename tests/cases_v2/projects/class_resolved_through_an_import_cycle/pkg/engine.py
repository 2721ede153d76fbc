"""The framework's base model: a method builds the task's model, imported where it is used."""
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(4, 4)

    def forward(self, x):
        return self.layer(x)

    def fresh_copy(self):
        from pkg.detector import Detector
        return Detector()
