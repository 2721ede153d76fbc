import torch

from trainkit import frozen_graph
from .grad import no_grad_method


@no_grad_method
def evaluate(model, loader):
    model.eval()
    with torch.no_grad():  # expect: NG301@10
        return sum((model(x).argmax(1) == y).sum().item() for x, y in loader)


def validate(model, loader):
    model.eval()
    losses = []
    with frozen_graph():
        for x, y in loader:
            with torch.no_grad():  # expect: NG301@18
                losses.append(torch.nn.functional.cross_entropy(model(x), y).item())
    return sum(losses) / len(losses)


def embed(model, loader):
    model.eval()
    with frozen_graph():
        return torch.cat([model(x) for x, _ in loader])


@frozen_graph()
def predict(model, x):
    model.eval()
    return model(x).argmax(-1)
