import sys

import torch
import torch.nn as nn


class Flow(nn.Module):
    def __init__(self):
        super().__init__()
        self.velocity = nn.Sequential(nn.Linear(4, 32), nn.Tanh(), nn.Linear(32, 4))

    def euler(self, z, steps=20):
        for _ in range(steps):
            z = z + self.velocity(z) / steps
        return z

    def midpoint(self, z, steps=10):
        for _ in range(steps):
            z = z + self.velocity(z + self.velocity(z) / (2 * steps)) / steps
        return z

    def generate(self, n, cheap=False):
        # the sampler is chosen as a bound method; neither choice disables gradients
        solve = self.euler if cheap else self.midpoint
        return solve(torch.randn(n, 4))  # expect: NG101@16


def main(path):
    flow = Flow()
    flow.load_state_dict(torch.load(path))
    flow.eval()
    points = flow.generate(256, cheap=True)
    print(points.mean(0).tolist())


if __name__ == "__main__":
    main(sys.argv[1])
