import torch


def accuracy(network, loader):
    correct = total = 0
    network.eval()
    with torch.no_grad():
        for x, y in loader:
            p = network.predict(x)
            correct += (p.argmax(1) == y).sum().item()
            total += len(y)
    network.train()
    return correct / total
