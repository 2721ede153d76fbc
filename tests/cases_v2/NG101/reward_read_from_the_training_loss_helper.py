"""The controller's reward reads a number from the shared model's loss on a held-out batch:
`get_loss` is the helper training backpropagates, but `reward` only takes `.item()` of what it
returns, so the shared model's graph is built and thrown away at every controller step."""
import math

import torch
from torch import nn


class Shared(nn.Module):
    def __init__(self, width=32, classes=10):
        super().__init__()
        self.cells = nn.ModuleList(nn.Linear(width, width) for _ in range(4))
        self.head = nn.Linear(width, classes)

    def forward(self, x, arch):
        for index in arch:
            x = torch.relu(self.cells[index](x))
        return self.head(x)


class Search:
    def __init__(self, controller: nn.Module):
        self.shared = Shared()
        self.controller = controller
        self.criterion = nn.CrossEntropyLoss()
        self.shared_optim = torch.optim.SGD(shared.parameters(), lr=0.1)
        self.controller_optim = torch.optim.Adam(controller.parameters(), lr=3e-4)

    def get_loss(self, inputs, targets, arch):
        return self.criterion(self.shared(inputs, arch), targets)

    def train_shared(self, batches, arch):
        for inputs, targets in batches:
            loss = self.get_loss(inputs, targets, arch)
            self.shared_optim.zero_grad()
            loss.backward()
            self.shared_optim.step()

    def reward(self, held_out, arch):
        inputs, targets = held_out
        loss = self.get_loss(inputs, targets, arch)  # expect: NG101@16
        return 80.0 / math.exp(loss.item())

    def train_controller(self, held_out, steps):
        for _ in range(steps):
            arch, log_prob = self.controller.sample()
            advantage = self.reward(held_out, arch) - 1.0
            loss = -log_prob * advantage
            self.controller_optim.zero_grad()
            loss.backward()
            self.controller_optim.step()
