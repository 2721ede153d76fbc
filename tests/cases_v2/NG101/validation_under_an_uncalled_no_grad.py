"""A trainer's `val` wraps its epoch in `with torch.no_grad:`, without the call: the `with` raises
before its body runs (NG302, whose fix calls it). What the body would run in is not known, so the
evaluation inside is not reported as well: the NG302 fix is the one that matters."""
import torch


class Trainer:
    def __init__(self, model):
        self.model = model

    def run_epoch(self, loader, phase):
        losses = []
        for x, y in loader:
            loss = (self.model(x) - y).pow(2).mean()
            if phase == "train":
                loss.backward()
            losses.append(loss.item())
        return sum(losses) / len(losses)

    def val(self, loader):
        self.model.eval()
        with torch.no_grad:
            return self.run_epoch(loader, phase="val")
