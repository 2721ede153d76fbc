"""Self-critical training through a search object: `advance` appends each step's best
log-probability to `self.log_probs`, `run` stacks the field and returns it, and the training loop
backpropagates a loss of it. The graph travels through a field of the object between two of its
methods: the search's forward passes are used, silent (round 33, a captioning model's
self-critical `beam_search` reported at medium)."""
import torch
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.GRUCell(8, 8)
        self.out = nn.Linear(8, 10)

    def step(self, state):
        state = self.cell(torch.zeros_like(state), state)
        return state, self.out(state).log_softmax(-1)


class Search:
    def __init__(self, model, steps):
        self.model = model
        self.steps = steps
        self.log_probs = None

    def advance(self, state):
        state, logp = self.model.step(state)
        best, word = logp.max(-1)
        self.log_probs.append(best)
        return state, word

    def run(self, state):
        self.log_probs = []
        words = []
        for _ in range(self.steps):
            state, word = self.advance(state)
            words.append(word)
        return torch.stack(words, 1), torch.stack(self.log_probs, 1)


def sample(model, state, steps):
    return Search(model, steps).run(state)


model = Decoder()
optimizer = torch.optim.Adam(model.parameters())
for batch in range(10):
    words, log_probs = sample(model, torch.randn(4, 8), 5)
    reward = (words == 3).float().sum(1)
    loss = -(log_probs.sum(1) * (reward - reward.mean())).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
