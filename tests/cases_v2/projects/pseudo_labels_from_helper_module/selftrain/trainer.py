import torch
from torch import nn

from .labels import PseudoLabeler


class FixMatchTrainer:
    def __init__(self, model, lr=0.01):
        self.model = model
        self.pseudo_labeler = PseudoLabeler()
        self.loss = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def train_step(self, x_weak, x_strong):
        pseudo = self.pseudo_labeler(self.model, x_weak)  # expect: NG104@18
        loss = self.loss(self.model(x_strong), pseudo)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def train_step_fixed(self, x_weak, x_strong):
        with torch.no_grad():
            pseudo = self.pseudo_labeler(self.model, x_weak)
        loss = self.loss(self.model(x_strong), pseudo)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()
