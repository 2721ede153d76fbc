import torch


@torch.no_grad()
def predictions(model, loader):
    """Yield predictions batch by batch."""
    # no graph for predictions
    for x, _ in loader:
        yield model(x).argmax(1)  # expect: NG306@13


@torch.enable_grad()
def train_batches(model, loader):
    for x in loader:
        out = model(x)
        received = yield out  # expect: NG306@24
        print(received)
