"""Two safe fixes (a loss summed for a printout; an evaluation whose argmax outputs carry no
graph), each judged on its own and together."""
import torch
from torch import nn


def build():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 256), nn.Tanh(), nn.Linear(256, 8))


def predict(model, batches):
    model.eval()
    return torch.cat([model(batch).argmax(dim=1) for batch in batches])


def report_loss(model, batches, targets):
    total_loss = 0.0
    for batch, target in zip(batches, targets):
        loss = nn.functional.cross_entropy(model(batch), target)
        total_loss += loss
    print(f"loss {total_loss / len(batches):.4f}")


def main():
    model = build()
    batches = torch.randn(40, 128, 64).unbind()
    targets = torch.randint(0, 8, (40, 128)).unbind()
    report_loss(model, batches, targets)
    return predict(model, batches)
