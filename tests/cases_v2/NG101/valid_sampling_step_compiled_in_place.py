"""A model's `optimize()` rebinds its sampling step to a compiled copy of itself
(`self.generate_next = torch.compile(self.generate_next)`). The compiled step runs the method in
the grad mode of whoever calls `self.generate_next`, and the only caller is `generate`, decorated
with `@torch.no_grad()`: the step and the helper it calls are silent (round 47: the method read as
passed around, to callers unseen that run it with gradients on)."""
import torch
from torch import nn


class Sampler(nn.Module):
    def __init__(self, vocab=32, width=64):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.head = nn.Linear(width, vocab)

    def forward(self, tokens):
        return self.head(self.embed(tokens))

    def optimize(self):
        self.generate_next = torch.compile(self.generate_next, mode="reduce-overhead")

    def generate_one(self, tokens, temperature):
        logits = self(tokens)[:, -1] / temperature
        return torch.multinomial(logits.softmax(-1), 1)

    def generate_next(self, tokens, temperature):
        return self.generate_one(tokens, temperature)

    @torch.no_grad()
    def generate(self, prompt, steps=16, temperature=0.7):
        tokens = prompt
        for _ in range(steps):
            tokens = torch.cat([tokens, self.generate_next(tokens, temperature)], dim=1)
        return tokens
