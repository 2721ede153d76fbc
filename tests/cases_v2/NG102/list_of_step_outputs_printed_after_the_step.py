import torch
import torch.nn as nn
import torch.nn.functional as F


class MetaPathModel(nn.Module):
    def __init__(self, dim=16, paths=("uiu", "uiciu")):
        super().__init__()
        self.paths = paths
        self.encoders = nn.ModuleDict({p: nn.Linear(dim, dim) for p in paths})
        self.scorer = nn.Linear(dim, 1)

    def step(self, users, neighbours, targets, optimizer):
        norms = []
        for path in self.paths:
            enhanced = self.encoders[path](users + neighbours[path])
            loss = F.mse_loss(self.scorer(enhanced).squeeze(-1), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            norms.append(enhanced.norm())  # expect: NG102@26
        # each norm keeps its path's graph after that path's step, only to be printed
        print([float(n) for n in norms])
