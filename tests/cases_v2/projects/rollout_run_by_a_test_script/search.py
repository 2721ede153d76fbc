"""Scores candidate controllers: every rollout under `no_grad`."""
import torch

from rollouts import RolloutGenerator


def score(paths, time_limit=1000):
    scores = []
    with torch.no_grad():
        for path in paths:
            generator = RolloutGenerator(path, time_limit)
            scores.append(generator.rollout())
    return scores
