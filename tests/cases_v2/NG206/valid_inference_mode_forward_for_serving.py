"""An inference_mode forward in a module that nothing trains: the serving path only."""
import torch
from torch import nn


class Served(nn.Module):
    def __init__(self, model, labels):
        super().__init__()
        self.model = model.eval()
        self.labels = labels

    @torch.inference_mode()
    def forward(self, x):
        return [self.labels[i] for i in self.model(x).argmax(-1).tolist()]


def handler(served, request):
    return {"labels": served(request.tensor())}
