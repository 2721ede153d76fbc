"""A validation helper is given the trainer object, not the model: `trainer.model` is the module
every builder of `Trainer` passes in (`Trainer(Net(), ...)`), so the helper's loop runs a model
with parameters and reads only `.item()` of each batch's loss: every batch's graph is thrown away.
The trainer's own `train` backpropagates through the same field."""
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)


class Trainer:
    def __init__(self, model, optimizer):
        self.model = model
        self.optimizer = optimizer
        self.loss_func = nn.CrossEntropyLoss()

    def _loss(self, pred, y):
        return self.loss_func(pred, y)

    def train(self, loader):
        for x, y in loader:
            loss = self._loss(self.model(x), y)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()


def dataset_mean_loss(trainer, data_loader, device):
    epoch_loss = 0.
    for x_batch, y_batch in data_loader:
        y_pred = trainer.model(x_batch.to(device))  # expect: NG101@18
        loss = trainer._loss(y_pred, y_batch.to(device))
        epoch_loss += loss.item()
    return epoch_loss / len(data_loader)


def main(train_loader, test_loader):
    model = Net()
    trainer = Trainer(model, torch.optim.Adam(model.parameters()))
    for epoch in range(10):
        trainer.train(train_loader)
        print(dataset_mean_loss(trainer, test_loader, "cpu"))
