import contextlib

import torch
import torch.nn as nn

fast = True
# one choice records: which one runs is not known here
evaluation_mode = torch.no_grad if fast else contextlib.nullcontext
model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 3))


@evaluation_mode()
def evaluate(batches):
    model.eval()
    return [model(x).argmax(1).tolist() for x in batches]


def evaluate_unguarded(batches):
    model.eval()
    return [model(x).argmax(1).tolist() for x in batches]  # expect: NG101@13


print(evaluate([torch.randn(4, 16)]), evaluate_unguarded([torch.randn(4, 16)]))
