"""A `predict` copied from its training twin starts with `torch.set_grad_enabled(True)`, then runs
the model over the test loader and keeps every prediction: nothing differentiates, so the
statement asks for gradients nobody uses (the upstream fix turned it to False). No automatic
fix: a `@torch.no_grad()` decorator would be undone by the statement itself."""
import torch


def predict(model, test_loader):
    torch.set_grad_enabled(True)
    model.eval()
    predictions = {}
    for event_ids, x in test_loader:
        pred = model(x)  # expect: NG101@16
        for i, event_id in enumerate(event_ids):
            predictions[event_id] = pred[i]
    return predictions


def saliency(model, test_loader):
    """The twin: gradients turned on to differentiate the inputs."""
    torch.set_grad_enabled(True)
    model.eval()
    maps = []
    for x in test_loader:
        x.requires_grad_(True)
        model(x).max(1)[0].sum().backward()
        maps.append(x.grad.abs())
    return maps
