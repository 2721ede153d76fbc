"""Greedy decoding through `torch.argmax` and `torch.multinomial`, the functions (not the tensor
methods): the indices they give carry no graph, so the loop builds the graph of every step and
throws it away. The twin under `no_grad` records nothing; the training step needs its graph."""
import torch
import torch.nn.functional as F
from torch import nn


class Captioner(nn.Module):
    def __init__(self, vocab=100, width=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.head = nn.Linear(width, vocab)

    def forward(self, tokens):
        return self.head(self.embed(tokens))


def greedy_decode(model, start, steps):
    tokens = start
    for _ in range(steps):
        logits = model(tokens)[:, -1]  # expect: NG101@18
        next_token = torch.argmax(logits, dim=-1, keepdim=True)
        tokens = torch.cat([tokens, next_token], dim=1)
    return tokens


def sample_decode(model, start, steps, temperature=1.0):
    tokens = start
    for _ in range(steps):
        probs = F.softmax(model(tokens)[:, -1] / temperature, dim=-1)  # expect: NG101@27
        tokens = torch.cat([tokens, torch.multinomial(probs, 1)], dim=1)
    return tokens


@torch.no_grad()
def greedy_decode_without_graphs(model, start, steps):
    tokens = start
    for _ in range(steps):
        tokens = torch.cat([tokens, torch.argmax(model(tokens)[:, -1], dim=-1, keepdim=True)], dim=1)
    return tokens


def train_step(model, optimizer, tokens):
    logits = model(tokens[:, :-1])
    loss = F.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten())
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return torch.argmax(logits, dim=-1)
