import torch
from torch import nn


class EncDec(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(8, 8)
        self.dec = nn.Linear(8, 8)
        self.generator = nn.Linear(8, 20)

    def encode(self, src):
        return self.enc(src)

    def decode(self, memory, ys):
        return self.dec(memory) + ys.float().mean()


def make_model():
    return EncDec()


f = make_model()
f.load_state_dict(torch.load("weights.pt"))


def decode_greedily(src, max_len=30):
    """`f` is a module: the factory called at the top level builds it."""
    memory = f.encode(src)  # expect: NG101@14
    ys = torch.ones(1, 1).long()
    for _ in range(max_len - 1):
        out = f.decode(memory, ys)
        _, next_word = torch.max(f.generator(out[:, -1]), dim=1)
        ys = torch.cat([ys, torch.ones(1, 1).long().fill_(next_word.item())], dim=1)
    return ys[0].tolist()
