"""A script whose import fails (a missing module), so neither version can run."""
import torch
import nograd_verify_missing_dependency  # noqa: F401


def predict(model, inputs):
    model.eval()
    return model(inputs)


def main():
    return predict(torch.nn.Linear(4, 2), torch.randn(3, 4))
