# settings: min_confidence=low
import torch
from torch import nn


class Embedder(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    @torch.inference_mode()  # expect: NG206@6
    def forward(self, tokens):
        return self.encoder(tokens).mean(1)
