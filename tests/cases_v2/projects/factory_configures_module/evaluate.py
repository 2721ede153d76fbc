import sys

import torch

from zoo import searched_net


def main(config, loader):
    net = searched_net(config)
    net.eval()
    hits = 0
    for x, y in loader:
        scores = net(x)  # expect: NG101@18
        hits += (scores.argmax(1) == y).sum().item()
    print(hits)


if __name__ == "__main__":
    main(sys.argv[1], torch.load(sys.argv[2]))
