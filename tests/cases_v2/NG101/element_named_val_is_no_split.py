"""A script's loop over latent codes reads each batch's outputs as arrays and throws the graphs
away: reported. The loop that saves them iterates `val`, a value of `outputs.items()`, not a
validation split: the message does not give that name as evidence."""
import numpy as np
import torch
from torch import nn


def to_numpy(tensor):
    return tensor.detach().cpu().numpy()


def main(count):
    generator = nn.Sequential(nn.Linear(16, 64), nn.Tanh())
    results = {"image": [], "z": []}
    for codes in np.array_split(np.random.randn(count, 16).astype(np.float32), 4):
        outputs = {"image": to_numpy(generator(torch.from_numpy(codes))), "z": codes}  # expect: NG101@38
        for key, val in outputs.items():
            for item in val:
                results[key].append(item)
    return results
