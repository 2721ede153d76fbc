import sys

import torch
import torch.nn as nn


class TextEncoder(nn.Module):
    def __init__(self, vocab=1000, width=64):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.proj = nn.Linear(width, width)

    def encode(self, tokens):
        return self.proj(self.embed(tokens).mean(1))  # expect: NG101@16


def main(path):
    encoder = TextEncoder()
    encoder.load_state_dict(torch.load(path))
    encoder.eval()
    for p in encoder.embed.parameters():  # only the embedding is frozen: `proj` still records
        p.requires_grad = False
    tokens = torch.randint(0, 1000, (4, 12))
    torch.save(encoder.encode(tokens), "text_features.pt")


if __name__ == "__main__":
    main(sys.argv[1])
