import torch
import torch.nn as nn
import torch.nn.functional as F


class MetaPathModel(nn.Module):
    def __init__(self, dim=16, paths=("uiu", "uiciu")):
        super().__init__()
        self.paths = paths
        self.encoders = nn.ModuleDict({p: nn.Linear(dim, dim) for p in paths})
        self.scorer = nn.Linear(dim, 1)

    def step(self, users, neighbours, targets):
        per_path = []  # kept for a plot once, never read now
        losses = {}
        for path in self.paths:
            enhanced = self.encoders[path](users + neighbours[path])
            per_path.append(enhanced)
            losses[path] = F.mse_loss(self.scorer(enhanced).squeeze(-1), targets)
        # the list holds outputs whose graph the returned loss keeps anyway, and goes with the call
        return torch.stack(list(losses.values())).mean()


def train(model, batches, epochs=3):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        for users, neighbours, targets in batches:
            loss = model.step(users, neighbours, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
