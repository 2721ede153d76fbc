"""Gradients disabled by wrapping a function, or by the caller in a subclass in this module."""
import torch


def evaluate(model, loader):
    model.eval()
    return sum(model(x).sum().item() for x in loader)


evaluate = torch.no_grad()(evaluate)


class Base:
    def validate(self, loader):
        self.model.eval()
        return [self.model(x).argmax(1).tolist() for x in loader]


class Runner(Base):
    def run(self, loader):
        with torch.no_grad():
            return self.validate(loader)
