import torch

from shiftbed import algorithms


def test_predict_shape():
    algorithm = algorithms.AveragedERM(4, 3)
    assert algorithm.predict(torch.zeros(2, 4)).shape == (2, 3)
