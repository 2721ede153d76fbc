"""A prediction script builds a predictor object around the trained model with a factory that
declares it returns a plain predictor class (`-> AbstractPredictor`); calling the predictor runs
the model under `no_grad` and returns a metric, which the script collects for each test loader.
No finding (the factory's result was read as the model, and the metrics as outputs with graphs)."""
import importlib

import torch
from torch import nn


class AbstractPredictor:
    def __init__(self, model, output_dir=None):
        self.model = model
        self.output_dir = output_dir

    def __call__(self, loader):
        raise NotImplementedError


class StandardPredictor(AbstractPredictor):
    def __call__(self, loader):
        self.model.eval()
        scores = []
        with torch.no_grad():
            for x, y in loader:
                scores.append((self.model(x).argmax(1) == y).float().mean().item())
        return sum(scores) / max(len(scores), 1)


def get_predictor(model: nn.Module, config: dict) -> AbstractPredictor:
    predictor_class = getattr(importlib.import_module(__name__), config.get("name", "StandardPredictor"))
    return predictor_class(model, config.get("output_dir"))


def main(model, config, loaders):
    predictor = get_predictor(model, config)
    metrics = []
    for loader in loaders:
        metric = predictor(loader)
        if metric is not None:
            metrics.append(metric)
    print(torch.tensor(metrics).mean())
