"""Embedding lookups written as helpers that take the module's table of embeddings as a parameter:
the module's forward pass calls them, and what they return is pooled into the output it trains.
The graph of each lookup reaches the loss through the callers: no finding (disabling gradients
in `lookup` would stop the embeddings from training)."""
import torch
from torch import nn


def lookup(x, embeddings, columns):
    found = {}
    for name, (start, end) in columns.items():
        found[name] = embeddings[name](x[:, start:end].long())
    return found


def pool(found, x, columns):
    pooled = []
    for name, (start, end) in columns.items():
        pooled.append(Pooling()([found[name], x[:, start:end] != 0]))
    return pooled


class Pooling(nn.Module):
    def forward(self, inputs):
        values, mask = inputs
        return (values * mask.unsqueeze(-1)).sum(1)


class SparseLinear(nn.Module):
    def __init__(self, columns, vocabulary, dim):
        super().__init__()
        self.columns = columns
        self.embeddings = nn.ModuleDict({name: nn.Embedding(vocabulary, dim) for name in columns})

    def forward(self, x):
        found = lookup(x, self.embeddings, self.columns)
        return torch.cat(pool(found, x, self.columns), dim=-1).sum(-1)
