import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=20)
options = parser.parse_args()
network = torch.nn.GRUCell(8, 8)
optimizer = torch.optim.Adam(network.parameters())


def train(inputs, targets):
    """A training step: it returns a number (divided by a setting the analysis cannot value)."""
    hidden = torch.zeros(4, 8)
    loss = 0
    for step in range(options.steps):
        hidden = network(inputs[:, step], hidden)
        loss += torch.nn.functional.mse_loss(hidden, targets[:, step])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item() / options.steps


total = 0
for epoch in range(100):
    loss = train(torch.rand(4, options.steps, 8), torch.rand(4, options.steps, 8))
    total += loss
