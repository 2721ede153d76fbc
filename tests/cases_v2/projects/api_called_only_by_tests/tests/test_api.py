import pytest
import torch

from vislib.api import predict


@pytest.fixture
def model():
    return torch.nn.Linear(4, 2)


def test_predict_shape(model):
    """A test drops what the API returns: that says nothing of how users use it."""
    assert predict(model, torch.zeros(3, 4)).shape == (3, 2)
