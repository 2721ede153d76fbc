# nograd-verify: expect NG103
"""A hand-written SGD step for an MLP that updates the parameters in place with autograd on.

`p -= lr * p.grad` is an in-place operation on a leaf tensor that requires grad; autograd
refuses it: "a leaf Variable that requires grad is being used in an in-place operation".
"""
import torch
from torch import nn


def make_data(num_samples=1024, seed=0):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(num_samples, 20, generator=generator)
    true_weights = torch.randn(20, 1, generator=generator)
    targets = torch.tanh(inputs @ true_weights) + 0.1 * torch.randn(num_samples, 1, generator=generator)
    return inputs, targets


def train(model, inputs, targets, lr=0.1, steps=50):
    losses = []
    for step in range(steps):
        model.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        for p in model.parameters():
            p -= lr * p.grad
        losses.append(loss.item())
    return losses


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    inputs, targets = make_data()
    losses = train(model, inputs, targets)
    return {"losses": losses, "weights": model.state_dict()}


if __name__ == "__main__":
    print("final loss %.4f" % main()["losses"][-1])
