import torch
from torch import nn

net = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 2))
opt = torch.optim.Adam(net.parameters())
history = []


def fit(batches, probe, epochs):
    """After each epoch the network, put in eval mode, is run on a probe batch through its
    `forward` method and the outputs are kept: each epoch's graph stays alive in `history`."""
    for epoch in range(epochs):
        for x, y in batches:
            loss = nn.functional.cross_entropy(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        net.eval()
        history.append(net.forward(probe))  # expect: NG101@24
        net.train()
