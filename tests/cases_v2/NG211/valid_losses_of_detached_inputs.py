"""Twins of memory_loss_of_detached_features.py. A linear probe trained on detached features has a
graph through the probe's parameters; a loss of detached features only logged, never summed into
what is backpropagated; and the target of a loss detached while its prediction keeps its graph.
Silent."""
import torch.nn.functional as F


def train_probe(encoder, probe, loader, optimizer):
    for images, labels in loader:
        features = encoder(images)
        loss = F.cross_entropy(probe(features.detach()), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def train_logged(model, loader, optimizer, log):
    for images, labels in loader:
        logits, features = model(images)
        drift = F.mse_loss(features[1:].detach(), features[:-1].detach())
        loss = F.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        log(loss.item(), drift.item())


def train_consistency(model, loader, optimizer):
    for weak, strong in loader:
        target = model(weak)
        loss = F.mse_loss(model(strong), target.detach())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
