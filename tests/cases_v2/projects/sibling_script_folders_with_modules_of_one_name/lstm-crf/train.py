"""`test` builds the model from its checkpoint and runs `dev` over the test set, with gradients
on: `run.py` beside it calls it so (reported in `dev`)."""
import torch
from torch import nn


def dev(loader, model, mode="dev"):
    model.eval()
    total = 0.0
    for x, y in loader:
        total += nn.functional.cross_entropy(model(x), y).item()  # expect: NG101@46
    if mode == "test":
        print("test loss", total / len(loader))
    return total / len(loader)


def test(loader, path):
    model = nn.LSTM(8, 8)
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
