# settings: min_confidence=medium
"""The detector returns whatever its predictor makes (results objects, maybe no tensor at all):
`results[0].speed[...]` is not a tensor that surely holds a graph, so NG102 stays low."""
import time

import torch
from torch import nn


class Detector(nn.Module):
    def __init__(self, make_predictor):
        super().__init__()
        self.make_predictor = make_predictor
        self.head = nn.Linear(4, 2)

    def __call__(self, source):
        predictor = self.make_predictor()
        return predictor(source)


def profile(weights, source, runs):
    model = Detector(weights)
    times = []
    for _ in range(runs):
        results = model(source)
        times.append(results[0].speed["inference"])
    print(sum(times) / runs)
