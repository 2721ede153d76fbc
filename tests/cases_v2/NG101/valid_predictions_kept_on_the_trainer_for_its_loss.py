import torch
import torch.nn.functional as F
from torch import nn


class ChangeTrainer:
    """Twin: keeps each batch's prediction on itself for its loss as well as for labels: the
    loss backpropagates through `self.pred`, so its graph is used."""

    def __init__(self, net: nn.Module, lr=1e-3):
        self.net = net
        self.optimizer = torch.optim.Adam(net.parameters(), lr=lr)
        self.pred = None

    def forward_pass(self, batch):
        self.pred = self.net(batch["A"], batch["B"])
        return torch.argmax(self.pred, dim=1)

    def backward(self, batch):
        loss = F.cross_entropy(self.pred, batch["L"])
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()


def train(trainer, loader):
    for batch in loader:
        labels = trainer.forward_pass(batch)
        print(trainer.backward(batch), int(labels.sum()))
