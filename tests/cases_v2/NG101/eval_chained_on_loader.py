import sys

import torch

from models import load_model


def main(path, image_paths):
    f = load_model(path).eval()
    for p in image_paths:
        x = torch.load(p).unsqueeze(0)
        scores = f(x)  # expect: NG101@18
        print(p, scores.softmax(-1).max().item())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
