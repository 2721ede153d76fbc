import random

import torch
import torch.nn.functional as F
from torch import nn


class Batch:
    def __init__(self, tensors, mask):
        self.tensors = tensors
        self.mask = mask

    def to(self, device):
        return Batch(self.tensors.to(device), self.mask.to(device))


def train_one_epoch(model: nn.Module, criterion, loader, optimizer, scales, device):
    """Multi-scale training: the batch is resized under inference_mode and stored back on the
    batch object; the sub-batch built from it (and moved with `.to`) holds inference tensors, and
    the training forward pass cannot save them for backward."""
    for samples, targets in loader:
        scale = random.choice(scales)
        with torch.inference_mode():
            samples.tensors = F.interpolate(samples.tensors, size=scale, mode="bilinear")
        part = Batch(samples.tensors[:2], samples.mask[:2]).to(device)
        loss = criterion(model(part), targets)  # expect: NG204@32
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
