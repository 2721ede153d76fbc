import torch
from torch import nn


class BaseAdapter(nn.Module):
    def __init__(self, model, optimizer, steps=1):
        super().__init__()
        self.model = model
        self.optimizer = optimizer
        self.steps = steps

    def forward(self, x):
        for _ in range(self.steps):
            outputs = self.forward_and_adapt(x)
        return outputs

    def forward_and_adapt(self, x):
        raise NotImplementedError


class EntropyAdapter(BaseAdapter):
    def forward_and_adapt(self, x):
        outputs = self.model(x)
        loss = -(outputs.softmax(1) * outputs.log_softmax(1)).sum(1).mean()
        loss.backward()
        self.optimizer.step()
        self.optimizer.zero_grad()
        return outputs


class SourceOnly(BaseAdapter):
    def forward_and_adapt(self, x):
        return self.model(x)


def adapt_and_score(model, loader):
    model.eval()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    adapted = EntropyAdapter(model, optimizer)
    correct = 0
    for x, y in loader:
        out = adapted(x)
        correct += (out.argmax(1) == y).sum().item()
    return correct


def score_source_model(model, loader):
    model.eval()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    baseline = SourceOnly(model, optimizer)
    correct = 0
    for x, y in loader:
        out = baseline(x)  # expect: NG101@15
        correct += (out.argmax(1) == y).sum().item()
    return correct
