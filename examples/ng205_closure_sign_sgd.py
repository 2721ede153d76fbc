# nograd-verify: expect NG205
"""A custom optimizer whose `@torch.no_grad()` step calls the closure directly.

Training code written for torch's optimizers passes a closure that runs the forward and the
backward pass (`optimizer.step(closure)`, as LBFGS needs and Lightning's automatic optimization
does). torch.optim's optimizers call it under `torch.enable_grad()`; this one calls it under
its own no_grad, so the closure's `loss.backward()` raises RuntimeError. The fix puts the call
under `with torch.enable_grad():`.
"""
import torch
from torch import nn


class SignSGD(torch.optim.Optimizer):
    """Steps each parameter by the sign of its gradient."""

    def __init__(self, params, lr=1e-2):
        super().__init__(params, dict(lr=lr))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(p.grad.sign(), alpha=-group["lr"])
        return loss


def make_data(num_samples=256, seed=0):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(num_samples, 8, generator=generator)
    targets = inputs @ torch.randn(8, 1, generator=generator)
    return inputs, targets


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))
    optimizer = SignSGD(model.parameters(), lr=1e-2)
    inputs, targets = make_data()

    def closure():
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        return loss

    for _ in range(10):
        optimizer.step(closure)
    return {name: p.grad for name, p in model.named_parameters()}


if __name__ == "__main__":
    print(sorted(main()))
