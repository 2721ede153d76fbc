import torch

from .inference import predict


def accuracy(model, loader):
    correct = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (predict(model, images).argmax(1) == labels).sum().item()
    return correct / len(loader.dataset)
