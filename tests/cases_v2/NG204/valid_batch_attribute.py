import torch
import torch.nn.functional as F
from torch import nn


def train_resized(model: nn.Module, criterion, loader, optimizer, scale):
    """Resized under no_grad: plain tensors without a graph, which training can save."""
    for samples, targets in loader:
        with torch.no_grad():
            samples.tensors = F.interpolate(samples.tensors, size=scale, mode="bilinear")
        loss = criterion(model(samples.tensors), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def train_rebound(model: nn.Module, criterion, loader, optimizer, scale, fresh):
    """The object whose attribute was set under inference_mode is replaced before training."""
    for samples, targets in loader:
        with torch.inference_mode():
            samples.tensors = F.interpolate(samples.tensors, size=scale, mode="bilinear")
        samples = fresh(targets)
        loss = criterion(model(samples.tensors), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
