import torch

import evaluate


def fit(net, loader, optimizer, epochs):
    scores = []
    for epoch in range(epochs):
        net.train()
        for x, y in loader:
            loss = torch.nn.functional.cross_entropy(net(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % 2 == 0:
            summary = evaluate.evaluate(loader, net=net)  # expect: NG101@23
        scores.append(summary)
    return scores
