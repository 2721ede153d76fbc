import torch
from torch import nn


class GCN(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.lin = nn.Linear(in_dim, out_dim)

    def forward(self, x, adj, readout):
        return readout(torch.relu(adj @ self.lin(x)))


class GAT(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.att = nn.Linear(in_dim, out_dim)

    def forward(self, x, adj, readout):
        return readout(torch.softmax(adj, dim=-1) @ self.att(x))


class MeanReadout(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(dim))

    def forward(self, h):
        return h.mean(dim=0) * self.scale
