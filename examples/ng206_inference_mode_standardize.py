# nograd-verify: expect NG206
"""A preprocessing module made "as fast as possible" with `@torch.inference_mode()`.

`Standardize` has no parameters, so its author made its forward an inference-mode one. Its
outputs are then inference tensors, and the first `Linear` of the regressor that contains it
cannot save them for backward: the training step raises "Inference tensors cannot be saved for
backward". The fix decorates the forward with `@torch.no_grad()`, which skips the graph just
the same and returns normal tensors.
"""
import torch
from torch import nn


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)

    @torch.inference_mode()
    def forward(self, x):
        return (x - self.mean) / self.std


class Regressor(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.norm = Standardize(mean, std)
        self.mlp = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x):
        return self.mlp(self.norm(x))


def make_data(num_samples=256, seed=0):
    generator = torch.Generator().manual_seed(seed)
    inputs = 3.0 + 2.0 * torch.randn(num_samples, 8, generator=generator)
    targets = inputs @ torch.randn(8, 1, generator=generator)
    return inputs, targets


def main():
    torch.manual_seed(0)
    inputs, targets = make_data()
    model = Regressor(inputs.mean(0), inputs.std(0))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(10):
        loss = nn.functional.mse_loss(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {name: p.grad for name, p in model.named_parameters()}


if __name__ == "__main__":
    print(sorted(main()))
