import pytest
import torch

from vislib.api import embed_all, predict


@pytest.fixture
def model():
    return torch.nn.Linear(4, 2)


def test_predict_shape(model):
    """A test drops what the API returns: that says nothing of how users use it."""
    assert predict(model, torch.zeros(3, 4)).shape == (3, 2)


def test_embed_all_matches_one_by_one(model):
    model.eval()
    batches = [torch.zeros(3, 4), torch.ones(2, 4)]
    together = embed_all(model, batches)
    assert [len(out) for out in together] == [3, 2]
