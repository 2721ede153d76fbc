import argparse

import torch

torch.set_grad_enabled(False)

parser = argparse.ArgumentParser()
parser.add_argument("checkpoint")
args = parser.parse_args()


def export(path):
    model = torch.load(path)
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), "model.onnx")
