# nograd-verify: expect NG307
"""Batched inference spread over a thread pool that is started inside torch.no_grad().

The grad mode is thread-local: the pool's worker threads start with gradients enabled,
whatever the mode of the code that submits the work. Every forward pass in `score_batch`
records an autograd graph, and the scores it returns carry it, although `predict` asked for
no_grad. There is no automatic fix: `score_batch` may be called with gradients on elsewhere;
the mode must be set inside the worker (`@torch.no_grad()` on `score_batch`).
"""
from concurrent.futures import ThreadPoolExecutor

import torch
from torch import nn


def score_batch(model, batch):
    return model(batch).softmax(dim=1)


def predict(model, batches, workers=2):
    model.eval()
    with torch.no_grad():
        with ThreadPoolExecutor(max_workers=workers) as pool:
            scores = list(pool.map(lambda batch: score_batch(model, batch), batches))
    return scores


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 10))
    generator = torch.Generator().manual_seed(1)
    batches = [torch.randn(128, 32, generator=generator) for _ in range(4)]
    return predict(model, batches)


if __name__ == "__main__":
    scores = main()
    print("worker outputs require grad:", [s.requires_grad for s in scores])
