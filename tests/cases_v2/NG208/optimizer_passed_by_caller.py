"""The training function is given its model parts and optimizer: the caller builds the optimizer
over both the backbone's and the head's parameters, but the step runs the backbone under
`no_grad`, so the backbone never learns. The same with the arguments passed by keyword."""
import torch
import torch.nn.functional as F
from torch import nn


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x).mean((2, 3))


def train_epoch(backbone, head, optimizer, loader):
    for images, labels in loader:
        with torch.no_grad():
            features = backbone(images)  # expect: NG208@24
        loss = F.cross_entropy(head(features), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def fit(encoder, classifier, opt, batches):
    for images, labels in batches:
        with torch.no_grad():
            features = encoder(images)  # expect: NG208@24
        loss = F.cross_entropy(classifier(features), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()


def main(loader, epochs=3):
    backbone, head = Backbone(), nn.Linear(8, 10)
    optimizer = torch.optim.SGD(list(backbone.parameters()) + list(head.parameters()), lr=0.1)
    for _ in range(epochs):
        train_epoch(backbone, head, optimizer, loader)
    fit(classifier=head, encoder=backbone, opt=optimizer, batches=loader)
