import torch


class LogValidationAccuracy:
    """A callback the trainer calls between epochs: inference mode is right here."""

    def __init__(self, model, loader):
        self.model, self.loader = model, loader

    @torch.inference_mode()
    def __call__(self, epoch):
        hits = sum((self.model(x).argmax(1) == y).sum().item() for x, y in self.loader)
        return {"epoch": epoch, "hits": hits}


def train(model, loader, callbacks):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for x, y in loader:
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return [callback(0) for callback in callbacks]
