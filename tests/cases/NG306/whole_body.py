import torch


def predictions(model, loader):
    """Yield predictions batch by batch."""
    with torch.no_grad():  # no graph for predictions
        for x, _ in loader:
            yield model(x).argmax(1)  # expect: NG306@13


def train_batches(model, loader):
    with torch.enable_grad():
        for x in loader:
            out = model(x)
            received = yield out  # expect: NG306@24
            print(received)
