"""The same module in a sibling folder, whose `run.py` runs `test` under no_grad: nothing to
report (as Python runs it, `from train import test` there imports this module)."""
import torch
from torch import nn


def dev(loader, model, mode="dev"):
    model.eval()
    total = 0.0
    for x, y in loader:
        total += float(nn.functional.cross_entropy(model(x), y))
    if mode == "test":
        print("test loss", total / len(loader))
    return total / len(loader)


def test(loader, path):
    model = nn.TransformerEncoderLayer(8, 2)
    model.load_state_dict(torch.load(path))
    return dev(loader, model, mode="test")


def train(loader, model, optimizer, epochs=3):
    for _ in range(epochs):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()
        with torch.no_grad():
            print(dev(loader, model))
