import torch
from torch import nn


class SmallNet(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(3, hidden), nn.SiLU(), nn.Linear(hidden, 10))

    def forward(self, x):
        return self.mlp(x)


MODELS = {"small": SmallNet}


def load_model(path):
    checkpoint = torch.load(path)
    model = MODELS[checkpoint["name"]](**checkpoint["args"])
    model.load_state_dict(checkpoint["state_dict"])
    return model
