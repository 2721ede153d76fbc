import torch
import torch.nn as nn


class Capitalizer:
    """Restores capital letters: its `backward` is text processing, not autograd's."""

    def backward(self, text):
        return text[:1].upper() + text[1:]


class Summarizer:
    def __init__(self, vocab=100, dim=32):
        self.capitalizer = Capitalizer()
        self.embed = nn.Embedding(vocab, dim)
        self.cell = nn.GRUCell(dim, dim)
        self.out = nn.Linear(dim, vocab)

    def decode_batch(self, hidden, steps=20, sample=False, return_logprobs=False):
        current = torch.zeros(hidden.shape[0], dtype=torch.long)
        tokens, logprobs_kept = [], []
        scores = torch.zeros(hidden.shape[0])
        for _ in range(steps):
            hidden = self.cell(self.embed(current), hidden)
            logprobs = self.out(hidden).log_softmax(-1)
            current = torch.multinomial(logprobs.exp(), 1).squeeze(1) if sample else logprobs.argmax(-1)
            tokens.append(current.tolist())
            chosen = logprobs.gather(1, current.unsqueeze(1)).squeeze(1)
            logprobs_kept.append(chosen)
            scores += chosen  # the same graph the returned log-probabilities keep
        texts = [self.capitalizer.backward(" ".join(map(str, t))) for t in tokens]
        if return_logprobs:
            return texts, torch.stack(logprobs_kept, 1)
        return texts


def train_step(summarizer, hidden, reward_fn, optimizer):
    # self-critical training: the sampled sequence's log-probabilities are differentiated
    sampled, logprobs = summarizer.decode_batch(hidden, sample=True, return_logprobs=True)
    with torch.no_grad():
        greedy = summarizer.decode_batch(hidden)
    loss = -((reward_fn(sampled) - reward_fn(greedy)) * logprobs.sum(1)).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def summarize(summarizer, hidden):
    with torch.no_grad():
        return summarizer.decode_batch(hidden)


if __name__ == "__main__":
    model = Summarizer()
    params = [p for m in (model.embed, model.cell, model.out) for p in m.parameters()]
    optimizer = torch.optim.Adam(params)
    for _ in range(100):
        train_step(model, torch.randn(8, 32), lambda seqs: torch.rand(len(seqs)), optimizer)
    print(summarize(model, torch.randn(2, 32)))
