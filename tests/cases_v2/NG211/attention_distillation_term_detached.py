"""Attention distillation: the attention-transfer losses between the student's and the teacher's
feature maps are detached before they join the classification loss, so the term the method is
about gives the student no gradient (the stop-gradient belonged on the teacher's maps). The
optimizer is built by the caller and handed in; the backward pass reaches the student's graph
through the classification loss and the optimizer is stepped after it: the student is trained
here. Also a multitask model's depth loss detached before the total, and a generator's
adversarial term added as a Python number (`.item()`). NG211 at each."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class AttentionTransfer(nn.Module):
    def __init__(self, p=2):
        super().__init__()
        self.p = p

    def forward(self, maps_s, maps_t):
        return F.mse_loss(self.attention(maps_s), self.attention(maps_t))

    def attention(self, maps):
        return F.normalize(maps.abs().pow(self.p).mean(dim=1).flatten(1))


def train_step(student, teacher, optimizer, images, labels, beta=500.0):
    criterion = AttentionTransfer()
    maps_s, logits = student(images)
    maps_t, _ = teacher(images)
    cls_loss = F.cross_entropy(logits, labels)
    at_loss = criterion(maps_s, maps_t).detach() * beta  # expect: NG211@15
    loss = cls_loss + at_loss
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def fit(student, teacher, loader):
    optimizer = torch.optim.SGD(student.parameters(), lr=0.1)
    for images, labels in loader:
        train_step(student, teacher, optimizer, images, labels)


class MultiTask(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Linear(16, 32)
        self.classifier = nn.Linear(32, 10)
        self.depth_head = nn.Linear(32, 1)
        self.optimizer = torch.optim.Adam(self.parameters(), lr=1e-3)

    def update(self, x, labels, depth):
        features = self.trunk(x)
        depth_loss = F.l1_loss(self.depth_head(features), depth)
        loss = F.cross_entropy(self.classifier(features), labels) + 0.1 * depth_loss.detach()  # expect: NG211@75
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()


def adversarial_step(generator, discriminator, optimizer, x, y):
    out = generator(x)
    adversarial = F.binary_cross_entropy_with_logits(discriminator(out), torch.ones(len(x), 1))
    loss = F.l1_loss(out, y) + 0.01 * adversarial.item()  # expect: NG211@39
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item(), adversarial.item()
