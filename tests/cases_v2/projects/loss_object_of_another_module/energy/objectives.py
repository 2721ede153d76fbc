import torch


class WeightedTerms:
    """A sum of weighted terms; each term is a callable chosen from a config."""

    def __init__(self, weights):
        self.weights = {}
        self.terms = {}
        for key, weight in weights.items():
            self.weights[key] = float(weight)
            self.terms[key] = torch.nn.functional.mse_loss

    def __call__(self, predicted, target):
        return self.combine(predicted, target)

    def combine(self, predicted, target):
        total = 0.0
        parts = {}
        for key in self.weights:
            term = self.terms[key](predicted[key], target[key])
            parts[key] = term.item()
            total = total + self.weights[key] * term
        return total, parts
