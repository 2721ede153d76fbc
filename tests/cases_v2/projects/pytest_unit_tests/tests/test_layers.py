"""pytest collects these without an import of pytest: unit tests of a layer, not test-set loops."""
import torch


def test_shapes_in_eval_mode():
    layer = torch.nn.Linear(8, 2)
    layer.eval()
    for _ in range(3):
        assert layer(torch.rand(4, 8)).shape == (4, 2)


def test_shapes_given_a_fixture(tmp_path):
    layer = torch.nn.Linear(8, 2).eval()
    outputs = [layer(torch.rand(4, 8)) for _ in range(3)]
    torch.save(outputs, tmp_path / "outputs.pt")
