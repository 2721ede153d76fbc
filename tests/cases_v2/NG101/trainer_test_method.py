import unittest

import torch
from torch import nn


class Trainer:
    """`Trainer.test()` evaluates a model on the test split: it is evaluation code, not a unit
    test (only methods of test classes are tests)."""

    def __init__(self, loader):
        self.model = nn.Linear(8, 2)
        self.loader = loader

    def test(self):
        self.model.eval()
        correct = 0
        for x, y in self.loader:
            correct += (self.model(x).argmax(1) == y).sum().item()  # expect: NG101@25
        return correct


class TestLinear(unittest.TestCase):
    def test_output_shape(self):
        model = nn.Linear(8, 2).eval()
        self.assertEqual(model(torch.zeros(1, 8)).shape, (1, 2))


class TestHead:
    def test_scores(self):
        model = nn.Linear(8, 2).eval()
        assert model(torch.zeros(3, 8)).argmax(1).tolist() is not None
