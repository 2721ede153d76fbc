import torch
from torch import nn


class EnergyNet(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(3, hidden), nn.SiLU(), nn.Linear(hidden, 1))

    def forward(self, pos):
        if not pos.requires_grad:
            pos = pos.requires_grad_()
        energy = self.mlp(pos).sum()
        forces = -torch.autograd.grad(energy, pos, create_graph=self.training)[0]
        return energy, forces


MODELS = {"energy": EnergyNet}


def load_model(path):
    checkpoint = torch.load(path)
    model = MODELS[checkpoint["name"]](**checkpoint["args"])
    model.load_state_dict(checkpoint["state_dict"])
    return model
