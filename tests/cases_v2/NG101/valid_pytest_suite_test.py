"""A test suite (it imports pytest): its `test*` functions check a model, and are no evaluation
code to report."""
import pytest
import torch


@pytest.mark.parametrize("size", [1, 4])
def test_shapes(size):
    model = torch.nn.Linear(3, 2)
    model.eval()
    for _ in range(3):
        assert model(torch.randn(size, 3)).shape == (size, 2)
