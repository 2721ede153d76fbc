"""After each epoch the held-out loop switches the network to eval mode inside itself: the
statements from the loop on are one region (one finding, one `with`), not one for the loop body as
well."""
import torch
from torch import nn

net = nn.Linear(8, 2)
opt = torch.optim.SGD(net.parameters(), lr=0.1)


def fit(batches, held_out, epochs):
    for epoch in range(epochs):
        for x, y in batches:
            loss = nn.functional.cross_entropy(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        hits = 0
        for x, y in held_out:
            net.eval()
            hits += (net(x).argmax(1) == y).sum().item()  # expect: NG101@22
        net.train()
        print(epoch, hits)
