"""Embeddings with a frozen backbone: a module other code imports."""
import logging
import warnings

import torch
from torch import nn

torch.set_grad_enabled(False)  # expect: NG304@1
warnings.filterwarnings("ignore", category=UserWarning)
logging.getLogger(__name__).addHandler(logging.NullHandler())
torch.backends.cudnn.benchmark = True

DIM = 512


class Embedder(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone

    def forward(self, x):
        return self.backbone(x).flatten(1)


def embed(model, batches):
    return torch.cat([model(b) for b in batches])
