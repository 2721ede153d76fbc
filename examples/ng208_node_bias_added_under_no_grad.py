# nograd-verify: expect NG208
"""A graph Q-network that adds a learned bias to the node it picks, inside `torch.no_grad()`.

`NodeQNet.forward` embeds every node with its own weights, then marks the picked node by adding
`picked_bias` (an `nn.Parameter`) to its embedding in place, under `with torch.no_grad():` (its
author meant the one-hot mask, which needs no gradient). The in-place update keeps the
embedding's graph, so the loss trains `w_in` and the head and nothing fails; but the term is
recorded nowhere, so `picked_bias` never gets a gradient and keeps its initial value.
`main()` returns the gradients of every parameter after a few training steps.
"""
import torch
from torch import nn


class NodeQNet(nn.Module):
    def __init__(self, features=6, hidden=16):
        super().__init__()
        self.w_in = nn.Parameter(torch.randn(features, hidden) * 0.1)
        self.picked_bias = nn.Parameter(torch.randn(1, hidden) * 0.1)
        self.head = nn.Linear(hidden, 1)

    def forward(self, node_features, picked):
        embedding = node_features @ self.w_in
        mask = torch.zeros(node_features.shape[0], 1)
        mask[picked] = 1.0
        with torch.no_grad():
            embedding += mask @ self.picked_bias
        return self.head(torch.relu(embedding)).squeeze(-1)


def make_data(num_graphs=8, num_nodes=10, features=6, seed=0):
    generator = torch.Generator().manual_seed(seed)
    graphs = [torch.randn(num_nodes, features, generator=generator) for _ in range(num_graphs)]
    picks = torch.randint(0, num_nodes, (num_graphs,), generator=generator).tolist()
    targets = torch.randn(num_graphs, num_nodes, generator=generator)
    return graphs, picks, targets


def main():
    torch.manual_seed(0)
    graphs, picks, targets = make_data()
    model = NodeQNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(3):
        for nodes, picked, target in zip(graphs, picks, targets):
            loss = nn.functional.mse_loss(model(nodes, picked), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return {name: p.grad for name, p in model.named_parameters()}


if __name__ == "__main__":
    print({name: grad is None for name, grad in main().items()})
