import torch
from torch import nn


class Glimpses(nn.Module):
    def __init__(self):
        super().__init__()
        self.core = nn.GRUCell(2, 16)
        self.where = nn.Linear(16, 2)
        self.classify = nn.Linear(16, 10)

    def forward(self, x, location, hidden):
        hidden = self.core(x[:, :2] + location, hidden)
        return hidden, torch.tanh(self.where(hidden))


def train_epoch(model, loader, optimizer, plot):
    for x, y in loader:
        hidden, location = torch.zeros(x.size(0), 16), torch.zeros(x.size(0), 2)
        # the locations of this batch only, for the plot: the same graphs the loss backpropagates
        locations = []
        for _ in range(6):
            hidden, location = model(x, location, hidden)
            locations.append(location[:4])
        loss = nn.functional.cross_entropy(model.classify(hidden), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if plot:
            print([where.data.numpy() for where in locations])
