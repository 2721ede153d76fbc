"""A loss summed for a printout: every iteration's graph is held until the end."""
import torch

weight = torch.randn(4096, requires_grad=True)


def main():
    total = 0.0
    for step in range(20):
        loss = (torch.randn(4096) * weight).tanh().sum()
        total += loss
    print(f"total {total:.3f}")
