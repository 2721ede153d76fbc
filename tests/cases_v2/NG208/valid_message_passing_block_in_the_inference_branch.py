"""Twin of message_passing_block_under_no_grad_in_forward.py: the message passing runs under
`no_grad` only in the `else` of `if self.training:` (at inference, for speed); in training the
same layers run with gradients on. No gradient is wanted where the block runs: silent."""
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

    def propagate(self, message, adjacency, embedding):
        for _ in range(self.rounds):
            message = F.relu(self.conv(adjacency @ message) + embedding)
        return message

    def forward(self, node_features, adjacency):
        embedding = node_features @ self.w_in
        if self.training:
            message = self.propagate(F.relu(embedding), adjacency, embedding)
        else:
            with torch.no_grad():
                message = F.relu(embedding)
                for _ in range(self.rounds):
                    message = F.relu(self.conv(adjacency @ message) + embedding)
        return self.q(message).squeeze(-1)
