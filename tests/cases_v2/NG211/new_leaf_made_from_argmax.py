"""A segmentation step computes its Dice loss on the argmax of the logits, which has no graph, and
makes that a leaf (`requires_grad = True`) so that `backward()` stops raising: the gradient ends at
the leaf, and the optimizer steps a model that got none. The same with `.clone().detach().requires_grad_(True)`."""
import torch
import torch.nn as nn
import torch.optim as optim


class SegNet(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, classes, 1))

    def forward(self, x):
        return self.body(x)


def dice_loss(preds, targets, smooth=1.0):
    intersection = (preds * targets).sum()
    return 1 - (2 * intersection + smooth) / (preds.sum() + targets.sum() + smooth)


def train(loader, epochs, lr=1e-3):
    model = SegNet(2)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        for images, masks in loader:
            optimizer.zero_grad()
            preds = torch.argmax(model(images), dim=1).float()
            preds.requires_grad = True  # expect: NG211@13
            loss = dice_loss(preds, masks)
            loss.backward()
            optimizer.step()


def train_rounded(loader, epochs, lr=1e-3):
    model = SegNet(1)
    optimizer = optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        for images, masks in loader:
            optimizer.zero_grad()
            probabilities = torch.sigmoid(model(images)).squeeze(1)
            rebuilt = probabilities.clone().detach().requires_grad_(True)  # expect: NG211@23
            loss = dice_loss(rebuilt, masks)
            loss.backward()
            optimizer.step()
