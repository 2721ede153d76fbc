import sys

import torch
import torch.nn as nn

from diffusion import GaussianDiffusion


def main(checkpoint, out_path):
    diffusion = GaussianDiffusion(nn.Sequential(nn.Linear(8, 64), nn.SiLU(), nn.Linear(64, 8)))
    diffusion.load_state_dict(torch.load(checkpoint))
    diffusion.eval()
    samples = diffusion.sample_all(1000, 100, ddim=True)
    torch.save(samples.cpu(), out_path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
