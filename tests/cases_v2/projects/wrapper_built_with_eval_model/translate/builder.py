import torch
from torch import nn


def load_test_model(path):
    model = nn.GRU(32, 32)
    model.load_state_dict(torch.load(path))
    model.eval()
    return model
