"""The package sits one folder below `src/layoutgen`, which has no `__init__.py`: that folder is
where `layoutgen` is imported from, so `layoutgen.helpers.sampling` is the project's own sampler,
which returns token indices (no graph). The decoding loop therefore builds the graph of every step
and throws it away. The noise schedule is a `functools.partial` of a plain function: calling it is
no forward pass of the module that holds it."""
from functools import partial

import torch
from torch import nn

from layoutgen.helpers.sampling import sample
from layoutgen.models.common import Parallel


def schedule(t, kind="cosine"):
    return torch.cos(t * 1.5708) if kind == "cosine" else 1 - t


class Decoder(nn.Module):
    def __init__(self, vocab=32, width=64, kind="cosine"):
        super().__init__()
        self.schedule = partial(schedule, kind=kind)
        self.model = Parallel(nn.Sequential(nn.Embedding(vocab, width), nn.Linear(width, vocab)))

    def forward(self, tokens):
        return self.model(tokens)

    def sample(self, batch_size, steps, cfg):
        tokens = torch.zeros((batch_size, 1), dtype=torch.long)
        for step in range(steps):
            ratio = self.schedule(torch.full((batch_size,), step / steps))
            logits = self.model(tokens)[:, -1]  # expect: NG101@22
            predicted = sample(logits / ratio[:, None], cfg)
            tokens = torch.cat([tokens, predicted], dim=1)
        return tokens[:, 1:]

    @torch.no_grad()
    def sample_without_graphs(self, batch_size, steps, cfg):
        tokens = torch.zeros((batch_size, 1), dtype=torch.long)
        for step in range(steps):
            ratio = self.schedule(torch.full((batch_size,), step / steps))
            predicted = sample(self.model(tokens)[:, -1] / ratio[:, None], cfg)
            tokens = torch.cat([tokens, predicted], dim=1)
        return tokens[:, 1:]
