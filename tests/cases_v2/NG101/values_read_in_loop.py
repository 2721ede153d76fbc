import torch
from torch import nn


class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 3))

    def forward(self, x):
        return torch.softmax(self.body(x), -1)


def roll(sim, f):
    """Only values leave each step (a sampled int, a float): the graph of every step is thrown
    away, whatever the function is called."""
    state = sim.reset()
    done = False
    total = 0.0
    while not done:
        p = f(torch.as_tensor(state, dtype=torch.float32))  # expect: NG101@13
        choice = torch.distributions.Categorical(p).sample().item()
        state, gain, done = sim.step(choice)
        total += gain + p.max().item()
    return total


def run(sim):
    f = Scorer()
    for _ in range(10):
        print(roll(sim, f))
