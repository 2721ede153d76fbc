"""A small trainer with callbacks, in the style of research training loops.

Training runs in train mode with backward passes. Validation is a callback: at the end of each
epoch it puts the model in eval mode and computes metrics through a metric function taken from
a dictionary, and it forgets to disable gradients.
"""
import torch
from torch import nn


def accuracy(model, inputs, targets):
    return (model(inputs).argmax(1) == targets).float().mean().item()


def mean_loss(model, inputs, targets):
    return nn.functional.cross_entropy(model(inputs), targets).item()


METRICS = {"accuracy": accuracy, "loss": mean_loss}


class Callback:
    def on_epoch_end(self, trainer, epoch):
        pass


class ValidationCallback(Callback):
    def __init__(self, inputs, targets, metrics=("accuracy", "loss")):
        self.inputs, self.targets, self.metrics = inputs, targets, metrics
        self.history = []

    def on_epoch_end(self, trainer, epoch):
        trainer.model.eval()
        scores = {name: METRICS[name](trainer.model, self.inputs, self.targets)
                  for name in self.metrics}
        self.history.append(scores)
        trainer.model.train()


class Trainer:
    def __init__(self, model, optimizer, callbacks=()):
        self.model, self.optimizer, self.callbacks = model, optimizer, list(callbacks)

    def fit(self, inputs, targets, epochs=3, batch_size=32):
        for epoch in range(epochs):
            self.model.train()
            for start in range(0, len(inputs), batch_size):
                x, y = inputs[start:start + batch_size], targets[start:start + batch_size]
                self.optimizer.zero_grad()
                loss = nn.functional.cross_entropy(self.model(x), y)
                loss.backward()
                self.optimizer.step()
            for callback in self.callbacks:
                callback.on_epoch_end(self, epoch)


def main():
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    inputs = torch.randn(256, 20, generator=generator)
    targets = (inputs[:, :3].sum(1) > 0).long()
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 2))
    validation = ValidationCallback(inputs[:64], targets[:64])
    Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1), [validation]).fit(inputs, targets)
    return validation.history


if __name__ == "__main__":
    print(main())
