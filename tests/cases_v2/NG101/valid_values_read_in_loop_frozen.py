import torch
from torch import nn


class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 3))

    def forward(self, x):
        return torch.softmax(self.body(x), -1)


def roll(sim, f):
    """The same loop, but the caller runs it under no_grad: nothing to report."""
    state = sim.reset()
    done = False
    total = 0.0
    while not done:
        p = f(torch.as_tensor(state, dtype=torch.float32))
        choice = torch.distributions.Categorical(p).sample().item()
        state, gain, done = sim.step(choice)
        total += gain + p.max().item()
    return total


def run(sim):
    f = Scorer()
    with torch.no_grad():
        for _ in range(10):
            print(roll(sim, f))
