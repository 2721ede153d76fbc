"""A margin head's `forward` returns its loss and an accuracy it computes from the detached
logits (`accuracy(output.detach(), label)[0]`); the training loop adds the accuracy up across
steps: that part of the module's output holds no graph, silent (round 24: a medium false finding
on a repository dropped from the round). Twin: the loss tensor itself is added up for the log,
NG102."""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def accuracy(output, target):
    pred = output.argmax(1)
    return [pred.eq(target).float().sum(0, keepdim=True).mul_(100.0 / target.size(0))]


class MarginHead(nn.Module):
    def __init__(self, classes, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(classes, dim))

    def forward(self, x, label):
        output = F.linear(F.normalize(x), F.normalize(self.weight))
        loss = F.cross_entropy(output * 30, label)
        prec1 = accuracy(output.detach(), label.detach())[0]
        return loss, prec1


class SpeakerModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(40, 16)
        self.head = MarginHead(10, 16)
        self.optim = torch.optim.Adam(self.parameters())

    def train_network(self, loader):
        self.train()
        top1, total = 0, 0
        for data, labels in loader:
            self.zero_grad()
            nloss, prec = self.head(self.encoder(data), labels)
            nloss.backward()
            self.optim.step()
            top1 += prec
            total += nloss  # expect: NG102@22
            sys.stderr.write("loss %.3f acc %.2f\r" % (total, top1))
        return total, top1
