"""The scorer is handed a network and evaluates it with gradients on, batch after batch."""
import torch


class Scorer:
    def __init__(self, criterion):
        self.criterion = criterion

    def score(self, net, batches):
        net.eval()
        total = 0.0
        for inputs, targets in batches:
            outputs = net(inputs)  # expect: NG101@23
            total += self.criterion(outputs, targets).item()
        return total / max(len(batches), 1)
