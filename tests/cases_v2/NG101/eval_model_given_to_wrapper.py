"""A plain class keeps the network it is built with (`self.m = m`); the only call building it passes a
network put in eval mode, so the method that runs it evaluates: NG101 there, naming the builder."""
import torch
from torch import nn


def load(path):
    m = nn.Sequential(nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 4))
    m.load_state_dict(torch.load(path))
    m.eval()
    return m


class Runner:
    def __init__(self, m, width):
        self.m = m
        self.width = width

    def run(self, batches):
        picked = []
        for batch in batches:
            scores = self.m(batch)  # expect: NG101@22
            picked.extend(scores.argmax(-1).tolist())
        return picked


def build(path):
    return Runner(load(path), width=16)
