"""Twins: a latent optimized by its own optimizer (the leaf is what trains); adversarial inputs made
leaves to take their gradient (no module's outputs); and a soft Dice on the probabilities."""
import torch
import torch.nn as nn
import torch.optim as optim


def dice_loss(preds, targets, smooth=1.0):
    intersection = (preds * targets).sum()
    return 1 - (2 * intersection + smooth) / (preds.sum() + targets.sum() + smooth)


def invert(decoder: nn.Module, encoder: nn.Module, image, steps=100):
    latent = encoder(image).detach()
    latent.requires_grad = True
    optimizer = optim.Adam([latent], lr=0.01)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((decoder(latent) - image) ** 2).mean()
        loss.backward()
        optimizer.step()
    return latent.detach()


def adversarial_step(model: nn.Module, optimizer, images, labels, eps=0.03):
    images = images.clone().detach()
    images.requires_grad = True
    nn.functional.cross_entropy(model(images), labels).backward()
    adversarial = (images + eps * images.grad.sign()).clamp(0, 1).detach()
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(adversarial), labels)
    loss.backward()
    optimizer.step()


def train_soft(model: nn.Module, loader, lr=1e-3):
    optimizer = optim.Adam(model.parameters(), lr=lr)
    for images, masks in loader:
        optimizer.zero_grad()
        probabilities = torch.softmax(model(images), dim=1)[:, 1]
        loss = dice_loss(probabilities, masks)
        loss.backward()
        optimizer.step()
