"""Helpers of a test suite (a test file that imports pytest) run the model to compare outputs for
the tests that call them: test code, like the tests, however they are named. No finding (a
helper whose name lacked the word `test` was reported)."""
import pytest
import torch
from torch import nn

inputs = torch.randn(8, 4)


def _assert_same_outputs(context, model):
    expected = model(inputs)
    with context(model):
        assert torch.allclose(expected, model(inputs))


def compare_predictions(model, other):
    model.eval()
    predicted = model(inputs).argmax(1)
    assert (predicted == other(inputs).argmax(1)).all()


@pytest.mark.parametrize("width", [4, 8])
def test_eval_mode_keeps_outputs(width):
    model = nn.Sequential(nn.Linear(4, width), nn.Dropout(0.0), nn.Linear(width, 2))
    _assert_same_outputs(lambda m: torch.no_grad(), model)
    compare_predictions(model, model)
