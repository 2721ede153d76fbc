import torch
from torch import nn


class EncDec(nn.Module):
    """Its parts come from the constructor's arguments: only the class says it is a module."""

    def __init__(self, encoder, decoder, generator):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.generator = generator

    def encode(self, src):
        return self.encoder(src)

    def decode(self, memory, ys):
        return self.decoder(memory + ys.float().mean())


def greedy(m: EncDec, src, steps=20):
    """Methods of a module run it forward; the chosen tokens are read at every step."""
    memory = m.encode(src)  # expect: NG101@14
    ys = torch.zeros(1, 1, dtype=torch.long)
    for _ in range(steps):
        nxt = m.generator(m.decode(memory, ys)).argmax(-1)
        ys = torch.cat([ys, nxt.view(1, 1)], 1)
    return ys.tolist()
