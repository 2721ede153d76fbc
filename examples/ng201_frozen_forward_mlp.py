# nograd-verify: expect NG201
"""A training loop whose forward pass was wrapped in torch.no_grad() "to save memory".

The logits are computed without recording a graph, so the loss built from them has no
grad_fn and `loss.backward()` raises "element 0 of tensors does not require grad and does
not have a grad_fn". The fix takes the forward pass out of the no_grad block.
"""
import torch
from torch import nn


def make_data(num_samples=512, seed=0):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(num_samples, 16, generator=generator)
    labels = (inputs[:, :4].sum(dim=1) > 0).long()
    return inputs, labels


def train(model, inputs, labels, steps=20, batch_size=64):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    criterion = nn.CrossEntropyLoss()
    for step in range(steps):
        start = (step * batch_size) % len(inputs)
        x, y = inputs[start:start + batch_size], labels[start:start + batch_size]
        optimizer.zero_grad()
        with torch.no_grad():
            logits = model(x)
        loss = criterion(logits, y)
        loss.backward()
        optimizer.step()


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 2))
    inputs, labels = make_data()
    train(model, inputs, labels)
    return {name: p.grad for name, p in model.named_parameters()}


if __name__ == "__main__":
    grads = main()
    print({name: tuple(g.shape) for name, g in grads.items()})
