import torch


def score(net, loader):
    net.eval()
    total = 0.0
    for x, y in loader:
        total += torch.nn.functional.cross_entropy(net(x), y).item()
    return total / len(loader)


if __name__ == "__main__":
    with torch.no_grad():
        print(score(torch.load("net.pt", weights_only=False), torch.load("batches.pt")))
