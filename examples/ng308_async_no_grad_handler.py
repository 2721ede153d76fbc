# nograd-verify: expect NG308
"""An asyncio request handler decorated with @torch.no_grad().

The decorator wraps the call that creates the coroutine, not its execution: by the time the
event loop runs the body, the no_grad block has already exited, so every request records an
autograd graph and the returned scores hold it, silently. The body has no `await`, so the fix
moves the context into a `with` block inside the body.
"""
import asyncio

import torch
from torch import nn


@torch.no_grad()
async def handle_request(model, features):
    logits = model(features)
    return logits.softmax(dim=-1)


async def serve(model, requests):
    return await asyncio.gather(*(handle_request(model, r) for r in requests))


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(24, 48), nn.ReLU(), nn.Linear(48, 6)).eval()
    generator = torch.Generator().manual_seed(1)
    requests = [torch.randn(16, 24, generator=generator) for _ in range(8)]
    return asyncio.run(serve(model, requests))


if __name__ == "__main__":
    scores = main()
    print("scores require grad:", any(s.requires_grad for s in scores))
