import torch
from torch import nn


class NoAttack(nn.Module):
    def forward(self, inputs, labels):
        return inputs


class SignAttack(nn.Module):
    def __init__(self, model, eps=0.03):
        super().__init__()
        self.model = model
        self.eps = eps

    def forward(self, inputs, labels):
        x = inputs.clone().requires_grad_(True)
        loss = nn.functional.cross_entropy(self.model(x), labels)
        loss.backward()
        return (inputs + self.eps * x.grad.sign()).detach()
