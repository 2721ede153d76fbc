import torch
from torch import nn


class ASR(nn.Module):
    def __init__(self, dim=80, vocab=100):
        super().__init__()
        self.encoder = nn.LSTM(dim, 256, batch_first=True)
        self.out = nn.Linear(256, vocab)

    def forward(self, xs, ys):
        hidden, _ = self.encoder(xs)
        return nn.functional.cross_entropy(self.out(hidden).transpose(1, 2), ys)

    def decode(self, xs):
        with torch.no_grad():
            hidden, _ = self.encoder(xs)
            return self.out(hidden).argmax(-1).tolist()
