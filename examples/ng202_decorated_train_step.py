# nograd-verify: expect NG202
"""A training step that kept the @torch.no_grad() of the evaluation function it was copied from.

The decorator disables gradients for the whole step: the loss has no graph and
`loss.backward()` raises RuntimeError. The fix removes the decorator.
"""
import torch
from torch import nn


def make_data(num_samples=256, seed=0):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(num_samples, 8, generator=generator)
    targets = inputs @ torch.randn(8, 1, generator=generator)
    return inputs, targets


@torch.no_grad()
def train_step(model, optimizer, criterion, x, y):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    inputs, targets = make_data()
    for _ in range(10):
        train_step(model, optimizer, criterion, inputs, targets)
    return {name: p.grad for name, p in model.named_parameters()}


if __name__ == "__main__":
    print(sorted(main()))
