import numpy as np
import torch


class Algorithm:
    """Template methods: subclasses say how to score one step; the base walks an episode."""

    def __init__(self, gamma: float):
        self.gamma = gamma

    def _value(self, state, action) -> float:
        return 0.0

    def bias(self, states, actions, returns):
        biases = []
        for state, action, ret in zip(states, actions, returns):
            biases.append(self._value(state, action) - ret)
        return float(np.mean(biases))


class GuardedAlgorithm:
    """The same template, run by the base under no_grad: its subclasses need nothing more."""

    def _score(self, state) -> float:
        return 0.0

    def scores(self, states):
        with torch.no_grad():
            return [self._score(state) for state in states]
