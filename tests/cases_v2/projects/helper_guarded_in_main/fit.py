import torch

import scoring


def fit(net, loader, optimizer, epochs):
    for epoch in range(epochs):
        net.train()
        for x, y in loader:
            loss = torch.nn.functional.cross_entropy(net(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(epoch, scoring.score(net, loader))  # expect: NG101@22
