"""A translation model with a beam search, written as a plain method: the evaluator that calls it
reaches it through a name it cannot type (`decoder = self.decoder.module if ... else ...`), in a
hook its base class runs only under `no_grad`. No finding: the project never runs the search with
gradients on."""
import torch
from torch import nn


class Seq2Seq(nn.Module):
    def __init__(self, vocabulary=100, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocabulary, dim)
        self.cell = nn.GRUCell(dim, dim)
        self.out = nn.Linear(dim, vocabulary)

    def forward(self, tokens, hidden):
        hidden = self.cell(self.embed(tokens), hidden)
        return self.out(hidden), hidden

    def generate_beam(self, hidden, max_len=20, beam_size=4):
        tokens = torch.zeros(hidden.shape[0], dtype=torch.long)
        decoded = []
        for _ in range(max_len):
            scores, hidden = self.forward(tokens, hidden)
            tokens = scores.topk(beam_size, dim=-1).indices[:, 0]
            decoded.append(tokens.tolist())
        return decoded
