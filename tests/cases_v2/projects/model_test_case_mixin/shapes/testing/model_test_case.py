import torch


class ModelTestCase:
    """A base for unittest classes (`class TestNet(ModelTestCase, unittest.TestCase)`): its
    `test*` methods are unit tests of shapes, not evaluation code."""

    def create_model(self):
        raise NotImplementedError

    def create_data(self):
        return torch.randn(4, 8)

    def test_forward_eval(self):
        model = self.create_model()
        model.eval()
        output = model(self.create_data())
        assert output.shape[0] == 4
