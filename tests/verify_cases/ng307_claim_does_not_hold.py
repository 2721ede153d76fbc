# nograd-verify: expect NG307
"""A thread pool started inside torch.no_grad() whose worker disables gradients itself.

The workers record no graph, so NG307's claim does not hold for this file (the linter does
not report it either: the harness is given the code to check).
"""
from concurrent.futures import ThreadPoolExecutor

import torch
from torch import nn


@torch.no_grad()
def score_batch(model, batch):
    return model(batch).softmax(dim=1)


def main():
    torch.manual_seed(0)
    model = nn.Linear(8, 4).eval()
    batches = [torch.randn(4, 8) for _ in range(3)]
    with torch.no_grad():
        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(lambda batch: score_batch(model, batch), batches))
