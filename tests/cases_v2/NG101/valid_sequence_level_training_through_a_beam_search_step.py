"""Hard negative: `sample` hands a decoding step that runs the model to a project beam search,
which calls it at every step and returns the scores it collected; the caller backpropagates a
sequence-level loss of those scores. The scores carry the graphs of the step's forward passes:
the call gives them back, so `sample`'s graph is differentiated: silent. (Following the step
without what the search returns read the graph as thrown away, and reported `sample`.)"""
import torch
import torch.nn.functional as F
from torch import nn


class BeamSearch:
    def __init__(self, max_steps=10, beam_size=4):
        self.max_steps = max_steps
        self.beam_size = beam_size

    def search(self, start, state, step):
        predictions, scores = [], []
        last = start
        for _ in range(self.max_steps):
            log_probs, state = step(last, state)
            top, last = log_probs.topk(self.beam_size, dim=-1)
            predictions.append(last)
            scores.append(top)
        return torch.stack(predictions, 1), torch.stack(scores, 1)


class LM(nn.Module):
    def __init__(self, vocab=100, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.out = nn.Linear(dim, vocab)

    def forward(self, ids):
        return self.out(self.embed(ids).mean(1))

    def sample(self, ids, max_steps=10):
        search = BeamSearch(max_steps=max_steps, beam_size=1)

        def step(last, state):
            ids = torch.cat([state["ids"], last[:, :1]], dim=1)
            return F.log_softmax(self(ids), dim=-1), {"ids": ids}

        return search.search(ids[:, -1], {"ids": ids}, step)


def train_sequence_level(model, loader, reward_fn):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    for ids in loader:
        tokens, scores = model.sample(ids)
        loss = -(scores.sum(1) * reward_fn(tokens)).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
