import torch


def evaluate(net, loader, device):
    with torch.no_grad():
        net.eval()
    correct = total = 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        logits = net(x)  # expect: NG101@18
        correct += (logits.argmax(1) == y).sum().item()
        total += y.numel()
    return correct / total
