from torch import nn


class Trainer:
    """A plain class: it holds the network it is given."""

    def __init__(self, model, optimizer, device):
        self.model = model
        self.optimizer = optimizer
        self.device = device

    def train_epoch(self, loader):
        for x, y in loader:
            self.optimizer.zero_grad()
            loss = nn.functional.mse_loss(self.model(x.to(self.device)), y)
            loss.backward()
            self.optimizer.step()


class Reporter:
    """Holds whatever it is given, and replaces it later: no held module is trusted."""

    def __init__(self, model):
        self.model = model

    def swap(self, other):
        self.model = other
