"""Twin of greedy_action_indices_read_in_a_training_method.py: the indices are read at once from
a pass of the model this very loop backpropagates (a training accuracy): NG101 leaves a trained
model's passes in its training step alone. Silent."""
import torch
import torch.nn.functional as F
from torch import nn


def fit(model: nn.Module, loader, epochs=3):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(epochs):
        correct = 0
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            correct += (model(x).argmax(1) == y).sum().item()
        print(correct)
