# settings: min_confidence=low
"""Twins of rotary_embedding_cuts_inputs.py where a `no_grad` module's gradient stop is harmless:
it is fed positions and raw inputs (no graph), its output only goes to statistics kept beside
the model's output, or the input that carries a graph is one it does not compute its output from."""
import torch
from torch import nn
import torch.nn.functional as F


class Positions(nn.Module):
    def __init__(self, dim, max_len=512):
        super().__init__()
        self.register_buffer("table", torch.randn(max_len, dim))

    @torch.no_grad()
    def forward(self, positions):
        return self.table[positions]


class Entropy(nn.Module):
    @torch.no_grad()
    def forward(self, logits):
        return -(logits.softmax(-1) * logits.log_softmax(-1)).sum(-1).mean()


class PaddingMask(nn.Module):
    @torch.no_grad()
    def forward(self, hidden, lengths):
        return torch.arange(hidden.shape[1])[None, :] < lengths[:, None]


class Encoder(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.positions = Positions(dim)
        self.entropy = Entropy()
        self.mask = PaddingMask()
        self.head = nn.Linear(dim, vocab)
        self.stats = {}

    def forward(self, tokens, lengths):
        hidden = self.embed(tokens) + self.positions(torch.arange(tokens.shape[1]))
        logits = self.head(hidden)
        self.stats["entropy"] = self.entropy(logits)
        keep = self.mask(hidden, lengths)
        return logits.masked_fill(~keep[..., None], 0.0)


def train(model, loader):
    optimizer = torch.optim.Adam(model.parameters())
    for tokens, lengths, targets in loader:
        loss = F.cross_entropy(model(tokens, lengths).flatten(0, 1), targets.flatten())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
