import torch
from torch import nn


class GAN:
    """Twins: the helper backpropagates what it is given, keeps it, or returns it; and the
    sample under no_grad."""

    def __init__(self):
        self.gen = nn.Linear(8, 16)
        self.dis = nn.Linear(16, 1)
        self.kept = []

    def penalty_step(self, fake, optimizer):
        loss = self.dis(fake).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    def remember(self, fake):
        self.kept.append(fake)

    def train(self, loader, optimizer, fixed):
        for i, batch in enumerate(loader):
            self.penalty_step(self.gen(batch), optimizer)
            self.remember(self.gen(fixed))
            with torch.no_grad():
                self.show(self.gen(fixed))

    @staticmethod
    def show(samples):
        print(samples.detach().mean())
