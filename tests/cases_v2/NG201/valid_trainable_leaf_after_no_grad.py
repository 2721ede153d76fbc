import torch
from torch import nn


class TemperatureScaled(nn.Module):
    """Temperature scaling: the logits come from a frozen pass, the loss reaches the temperature."""

    def __init__(self, classifier):
        super().__init__()
        self.classifier = classifier
        self.register_buffer("temperature", torch.ones(1))
        self.bias = nn.Parameter(torch.zeros(1))

    def calibrate(self, loader):
        self.temperature.requires_grad = True
        optimizer = torch.optim.Adam([self.temperature], lr=0.01)
        for xs, labels in loader:
            with torch.no_grad():
                logits = self.classifier(xs)
            loss = nn.functional.cross_entropy(logits / self.temperature, labels)
            loss.backward()
            optimizer.step()

    def shift(self, loader, optimizer):
        for xs, labels in loader:
            with torch.no_grad():
                logits = self.classifier(xs)
            loss = nn.functional.cross_entropy(logits + self.bias, labels)
            loss.backward()
            optimizer.step()


def fit_scale(net, loader):
    scale = torch.ones(1, requires_grad=True)
    optimizer = torch.optim.LBFGS([scale])
    for xs, labels in loader:
        with torch.no_grad():
            logits = net(xs)
        loss = nn.functional.cross_entropy(logits * scale, labels)
        loss.backward()
        optimizer.step()
