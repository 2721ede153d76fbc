# nograd-verify: expect NG304
"""A helper that turns gradients off with a bare `torch.set_grad_enabled(False)`.

The mode is global to the thread: after `embed` returns, gradients stay disabled for
everything that runs next (here: after main() returns). The fix turns the statement into a
`with torch.set_grad_enabled(False):` block, which restores the caller's mode.
"""
import torch
from torch import nn


def embed(encoder, images):
    torch.set_grad_enabled(False)
    features = encoder(images)
    return features.flatten(1)


def main():
    torch.manual_seed(0)
    encoder = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2))
    images = torch.randn(4, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    return {"features": embed(encoder, images)}


if __name__ == "__main__":
    main()
    print("gradients enabled after main():", torch.is_grad_enabled())
