import torch


def train(model, loader, epochs):
    """Only the metric is computed under `no_grad`; the loss is made outside it."""
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(epochs):
        for x, y in loader:
            out = model(x)
            loss = ((out - y) ** 2).mean()
            with torch.no_grad():
                error = (out - y).abs().mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            print(error.item())


def calibrate(model, loader, temperature):
    """Temperature scaling: no_grad logits divided by a leaf that requires grad, outside
    `no_grad`: the backward pass reaches the temperature."""
    opt = torch.optim.LBFGS([temperature])
    for x, y in loader:
        with torch.no_grad():
            logits = model(x)
        loss = ((logits / temperature - y) ** 2).mean()
        loss.backward()
        opt.step(lambda: loss)
