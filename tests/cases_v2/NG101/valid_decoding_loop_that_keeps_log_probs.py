import torch
from torch import nn


class SamplingDecoder(nn.Module):
    def __init__(self, vocab=16, width=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.cell = nn.GRUCell(width, width)
        self.head = nn.Linear(width, vocab)

    def step(self, token, hidden):
        hidden = self.cell(self.embed(token), hidden)
        return self.head(hidden), hidden

    def forward(self, start, length=8):
        token, hidden = start, torch.zeros(start.shape[0], 32)
        tokens, log_probs = [], []
        for _ in range(length):
            logits, hidden = self.step(token, hidden)
            token = logits.topk(1, dim=-1).indices[:, 0]
            log_probs.append(logits.log_softmax(-1).gather(1, token[:, None]))
            tokens.append(token)
        return torch.stack(tokens, 1), torch.cat(log_probs, 1)
