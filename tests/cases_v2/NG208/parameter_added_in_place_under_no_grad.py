"""A node-scoring network's `forward` adds its `picked` bias (an `nn.Parameter`) to the node
embedding in place inside `with torch.no_grad():`. An in-place update under `no_grad` records
nothing but leaves the tensor its graph, so the loss still trains `w_in` and `head`; `picked` is
read nowhere with gradients on and never gets a gradient: NG208 (medium) at the block."""
import torch
from torch import nn


class NodeScorer(nn.Module):
    def __init__(self, features, hidden=32):
        super().__init__()
        self.w_in = nn.Parameter(torch.randn(features, hidden) * 0.01)
        self.picked = nn.Parameter(torch.zeros(1, hidden))
        self.head = nn.Linear(hidden, 1)

    def forward(self, node_features, picked_mask):
        embedding = node_features @ self.w_in
        with torch.no_grad():  # expect: NG208@14
            embedding += picked_mask @ self.picked
        return self.head(torch.relu(embedding)).squeeze(-1)
