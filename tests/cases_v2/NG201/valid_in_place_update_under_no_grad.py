"""A loss with a graph updated in place under `no_grad` (a constant added for the logs' scale)
keeps its graph: torch leaves an in-place update's tensor its `grad_fn`, so `loss.backward()`
works. Silent (it was read as a loss without a graph, NG201)."""
import torch


def train(model, loader, optimizer, floor=1.0):
    for x, y in loader:
        loss = torch.nn.functional.mse_loss(model(x), y)
        with torch.no_grad():
            loss += floor
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
