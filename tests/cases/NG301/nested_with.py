import torch as T


def evaluate(model, loader):
    total = 0.0
    with T.inference_mode():
        for x, y in loader:
            with T.no_grad():  # expect: NG301@18
                total += (model(x).argmax(1) == y).sum().item()
    return total
