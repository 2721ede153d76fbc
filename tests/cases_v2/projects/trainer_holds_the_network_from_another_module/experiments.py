import torch
from torch import nn

from anode.training import Reporter, Trainer


def dataset_mean_loss(trainer, loader):
    total = 0.0
    for x, y in loader:
        prediction = trainer.model(x)  # expect: NG101@22
        total += nn.functional.mse_loss(prediction, y).item()
    return total / len(loader)


def report(reporter, loader):
    return [reporter.model(x).sum().item() for x, _ in loader]


def run(loader, test_loader):
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    optimizer = torch.optim.Adam(model.parameters())
    trainer = Trainer(model, optimizer, "cpu")
    reporter = Reporter(model)
    reporter.swap(lambda x: x)
    for epoch in range(3):
        trainer.train_epoch(loader)
        print(dataset_mean_loss(trainer, test_loader), report(reporter, test_loader))
