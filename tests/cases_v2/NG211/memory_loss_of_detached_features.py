"""A memory-bank method: the memory loss compares the features of this batch with class centres of
a bank filled with detached features, but the features are detached before they reach the loss
too, so the loss is a constant and its term in the total trains nothing (the loss the method is
named for never moves the network). Also a plain `F.mse_loss` of two detached tensors summed into
the loss. NG211 at each loss call."""
import torch
import torch.nn.functional as F


class MemoryBank:
    def __init__(self, n_classes, dim):
        self.centres = torch.zeros(n_classes, dim)

    def add(self, features, labels):
        self.centres[labels] = 0.9 * self.centres[labels] + 0.1 * features

    def memory_loss(self, queries, labels):
        return 1 - F.cosine_similarity(queries, self.centres[labels]).mean()


def train_epoch(model, loader, optimizer, lam=0.5):
    memory = MemoryBank(10, 128)
    for images, labels in loader:
        logits, features = model(images)
        memory.add(features.detach(), labels)
        loss_memory = memory.memory_loss(features.detach(), labels)  # expect: NG211@23
        loss = F.cross_entropy(logits, labels) + lam * loss_memory
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def train_smooth(model, loader, optimizer):
    for images, labels in loader:
        logits, features = model(images)
        smooth = F.mse_loss(features[1:].detach(), features[:-1].detach())  # expect: NG211@18
        loss = F.cross_entropy(logits, labels) + 0.1 * smooth
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
