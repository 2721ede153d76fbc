import torch


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = 0
    total = 0
    for x, y in loader:
        logits = model(x)  # expect: NG101@18
        correct += (logits.argmax(1) == y).sum().item()
        total += y.size(0)
    return correct / total
