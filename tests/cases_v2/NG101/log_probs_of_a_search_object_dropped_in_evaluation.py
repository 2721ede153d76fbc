"""Twin of valid_log_probs_kept_by_a_search_object.py: the same search object, and an evaluation
loop that puts the model in eval mode, keeps only the sampled words and drops the stacked
log-probabilities: NG101 at the call."""
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


def evaluate(model, batches):
    model.eval()
    for state in batches:
        words, _ = sample(model, state, 5)  # expect: NG101@20
        print(words.tolist())


model = Decoder()
optimizer = torch.optim.Adam(model.parameters())
for batch in range(10):
    words, log_probs = sample(model, torch.randn(4, 8), 5)
    reward = (words == 3).float().sum(1)
    loss = -(log_probs.sum(1) * (reward - reward.mean())).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
evaluate(model, [torch.randn(4, 8) for _ in range(3)])
