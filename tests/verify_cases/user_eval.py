"""A user's evaluation script: no main(), unseeded weights and inputs, and an evaluation
function that returns a tensor (so the fix that adds no_grad is unsafe)."""
import torch
from torch import nn

model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, 4))
inputs = torch.randn(512, 32)


def evaluate(model, batches):
    model.eval()
    scores = []
    for batch in batches:
        scores.append(model(batch).softmax(dim=1))
    return torch.cat(scores)


def evaluate_all():
    return evaluate(model, inputs.split(64))


if __name__ == "__main__":
    print(evaluate_all().mean(dim=0))
