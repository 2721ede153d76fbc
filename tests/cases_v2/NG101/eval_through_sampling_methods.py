import torch
from torch import nn


class Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(50, 16)
        self.rnn = nn.GRU(16, 16, batch_first=True)
        self.out = nn.Linear(16, 50)

    def encode(self, x):
        return self.rnn(self.embed(x))[1]

    def step(self, token, h):
        y, h = self.rnn(self.embed(token), h)
        return self.out(y[:, -1]), h

    def roll(self, x, steps=20):
        """Helpers of a model, seen only through this method, which only its callers evaluate."""
        h = self.encode(x)  # expect: NG101@13
        token = x[:, -1:]
        found = []
        for _ in range(steps):
            logits, h = self.step(token, h)
            token = logits.argmax(-1, keepdim=True)
            found.append(token)
        return torch.cat(found, 1), h


def write_all(f: Seq, rows, sink):
    f.eval()
    for x in rows:
        tokens, _ = f.roll(x)
        sink.write(tokens.tolist())
