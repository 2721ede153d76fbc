"""An `nn.ModuleList` holds modules of a project class: iterating it gives modules of that class,
not more lists. `component.summary_name(i)` calls their own method, which returns a string: an
evaluation that names its components after its `no_grad` block records nothing there, silent.
Running the same components forward in an evaluation loop is reported."""
import torch
from torch import nn


class Component(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.lin = nn.Linear(dim, dim)

    def summary_name(self, i):
        return f"component_{i}"

    def forward(self, x):
        return self.lin(x)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.components = nn.ModuleList([Component(4) for _ in range(3)])

    def train_step(self, optimizer, x):
        optimizer.zero_grad()
        loss = sum(component(x).sum() for component in self.components)
        loss.backward()
        optimizer.step()
        return loss.item()


def evaluate(model, data):
    model.eval()
    with torch.no_grad():
        scores = [model.components[0](x).sum().item() for x in data]
    names = [component.summary_name(i) for i, component in enumerate(model.components)]
    return dict(zip(names, scores)), model.components[-1].summary_name(-1)


def predict(model, data):
    model.eval()
    outputs = []
    for x in data:
        outputs.append([component(x) for component in model.components])  # expect: NG101@25
    return outputs
