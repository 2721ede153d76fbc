"""One epoch function trains or evaluates by a `backprop` flag, which one branch also sets to
False itself (a baseline with nothing to train). Callers that pass `backprop=False` get False
throughout: the evaluation calls record graphs for nothing (NG101 at each). What the function
returns is a float built from a dict of numbers (with the epoch in it), so the best losses kept
across epochs carry no graph (no NG102)."""
import torch
from torch import nn


def run(model, optimizer, epoch, loader, kind, backprop=True):
    if backprop:
        model.train()
    else:
        model.eval()
    res = {"epoch": epoch, "loss": 0, "counter": 0}
    for x, y in loader:
        optimizer.zero_grad()
        if kind == "baseline":
            backprop = False
            pred = model(x)
        else:
            pred = model(x)
        loss = nn.functional.mse_loss(pred, y)
        if backprop:
            loss.backward()
            optimizer.step()
        res["loss"] += loss.item() * len(x)
        res["counter"] += len(x)
    return res["loss"] / res["counter"]


def main(model, optimizer, loaders, kind, epochs):
    best_val, best_test = 1e8, 1e8
    for epoch in range(epochs):
        run(model, optimizer, epoch, loaders["train"], kind)
        val_loss = run(model, optimizer, epoch, loaders["val"], kind, backprop=False)  # expect: NG101@20
        test_loss = run(model, optimizer, epoch, loaders["test"], kind, backprop=False)  # expect: NG101@21
        if val_loss < best_val:
            best_val, best_test = val_loss, test_loss
    return best_val, best_test


def sweep(model, optimizer, loaders):
    results = []
    for epochs in (10, 20):
        best_val, best_test = main(model, optimizer, loaders, "mlp", epochs)
        results.append(best_test)
    return results
