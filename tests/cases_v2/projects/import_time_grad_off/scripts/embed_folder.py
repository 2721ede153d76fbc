"""Embed every image file given on the command line (a script: nothing imports it)."""
import sys

import torch

from featlib.extract import features

torch.set_grad_enabled(False)

if __name__ == "__main__":
    batch = torch.stack([torch.load(p) for p in sys.argv[1:]])
    torch.save(features(batch), "features.pt")
