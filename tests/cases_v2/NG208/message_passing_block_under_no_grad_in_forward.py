"""A graph Q-network's `forward` embeds the nodes with its own weights, then runs the message
passing, including its `conv` layer, inside `with torch.no_grad():`, and builds the Q-values from
what the block computes. `conv` never gets a gradient, and none flows back through the block to
`w_in`: NG208 (medium) at the block. (A `no_grad` block fed only the raw input is a frozen feature
extractor, and is not reported.)"""
import torch
import torch.nn.functional as F
from torch import nn


class GraphQNet(nn.Module):
    def __init__(self, features, hidden=64, rounds=3):
        super().__init__()
        self.w_in = nn.Parameter(torch.randn(features, hidden) * 0.01)
        self.conv = nn.Linear(hidden, hidden)
        self.q = nn.Linear(hidden, 1)
        self.rounds = rounds

    def forward(self, node_features, adjacency):
        embedding = node_features @ self.w_in
        with torch.no_grad():  # expect: NG208@14
            message = F.relu(embedding)
            for _ in range(self.rounds):
                message = F.relu(self.conv(adjacency @ message) + embedding)
        return self.q(message).squeeze(-1)
