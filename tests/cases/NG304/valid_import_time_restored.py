import os

import torch

torch.set_grad_enabled(False)
TABLE = torch.linspace(0, 1, 256).exp()
torch.set_grad_enabled(True)

if os.environ.get("NO_GRAD"):
    torch.set_grad_enabled(False)


def lookup(index):
    return TABLE[index]
