# nograd-verify: expect NG302
"""`with torch.no_grad:` without the call.

torch.no_grad is a class; the with-statement needs an instance, so the line raises
"TypeError: 'type' object does not support the context manager protocol". The fix adds `()`.
"""
import torch
from torch import nn


def embed(encoder, tokens):
    with torch.no_grad:
        return encoder(tokens).mean(dim=1)


def main():
    torch.manual_seed(0)
    encoder = nn.Sequential(nn.Embedding(100, 32), nn.Linear(32, 32))
    tokens = torch.randint(0, 100, (8, 12), generator=torch.Generator().manual_seed(1))
    return {"embeddings": embed(encoder, tokens)}


if __name__ == "__main__":
    print(tuple(main()["embeddings"].shape))
