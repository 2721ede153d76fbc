"""The forward pass runs inside a `no_grad` block meant for moving the batch; the objective
(another module's callable object, whose terms are callables from a config) is computed from its
output and backpropagated: `backward()` raises, nothing has a graph."""
import torch

from .objectives import WeightedTerms


class Fitter:
    def __init__(self, model, weights, lr):
        self.model = model
        self.objective = WeightedTerms(weights)
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)

    def step(self, batch):
        self.model.train()
        with torch.no_grad():
            batch = {k: v.to("cpu") for k, v in batch.items()}
            predicted = self.model(batch)  # expect: NG201@25
        total, parts = self.objective(predicted, batch)
        self.opt.zero_grad()
        total.backward()
        self.opt.step()
        return parts
