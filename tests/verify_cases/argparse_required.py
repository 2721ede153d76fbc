"""main() needs a command-line argument the harness does not give."""
import argparse

import torch
from torch import nn


def predict(model, inputs):
    model.eval()
    return model(inputs).argmax(dim=1)


def main():
    parser = argparse.ArgumentParser(prog="argparse_required.py")
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    return predict(nn.Linear(8, 3), torch.load(args.data))
