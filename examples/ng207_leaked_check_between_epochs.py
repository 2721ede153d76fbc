# nograd-verify: expect NG207, NG304
"""A validation helper that turns gradients off for good, called at the end of every epoch.

`check_accuracy` starts with a bare `torch.set_grad_enabled(False)` and never turns gradients
back on. The first epoch trains; after its check, the second epoch's forward passes record no
graph and `loss.backward()` raises "element 0 of tensors does not require grad". NG304 fixes the
cause (the statement becomes a `with` block); NG207's fix, at the call, runs the check under
`with torch.enable_grad():`, which restores the mode when the check returns.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def make_loader(num_samples=512, batch_size=64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    features = torch.randn(num_samples, 32, generator=generator)
    labels = torch.randint(0, 4, (num_samples,), generator=generator)
    return DataLoader(TensorDataset(features, labels), batch_size=batch_size)


def check_accuracy(model, loader):
    torch.set_grad_enabled(False)
    model.eval()
    correct = sum((model(x).argmax(1) == y).sum().item() for x, y in loader)
    return correct / len(loader.dataset)


def train_epoch(model, loader, val_loader, optimizer):
    model.train()
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    check_accuracy(model, val_loader)


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 4))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loader, val_loader = make_loader(), make_loader(seed=1)
    for _ in range(2):
        train_epoch(model, loader, val_loader, optimizer)
    return {name: parameter.grad for name, parameter in model.named_parameters()}


if __name__ == "__main__":
    main()
