import torch
import torch.nn as nn


class PseudoLabeler:
    def __init__(self, threshold):
        self.threshold = threshold

    def __call__(self, model, x):
        probs = torch.softmax(model(x), dim=1)
        return probs * (probs.max(1, keepdim=True)[0] > self.threshold)


def soft_labels(model, x):
    return torch.softmax(model(x), dim=1)


class SelfTraining:
    def __init__(self, model):
        self.model = model
        self.pseudo_labeler = PseudoLabeler(0.95)
        self.loss = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

    def step(self, x_weak, x_strong):
        pseudo = self.pseudo_labeler(self.model, x_weak)  # expect: NG104@18
        loss = self.loss(self.model(x_strong), pseudo)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()

    def step_with_helper(self, x_weak, x_strong):
        loss = self.loss(self.model(x_strong), soft_labels(self.model, x_weak))  # expect: NG104@48
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
