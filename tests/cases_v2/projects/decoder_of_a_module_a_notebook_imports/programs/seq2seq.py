"""A seq2seq model whose greedy decoder a notebook also runs."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Seq2Seq(nn.Module):
    def __init__(self, vocab, hidden, start, end):
        super().__init__()
        self.start, self.end = start, end
        self.embed = nn.Embedding(vocab, hidden)
        self.encoder_rnn = nn.LSTM(hidden, hidden, batch_first=True)
        self.decoder_rnn = nn.LSTM(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def encode(self, x):
        _, state = self.encoder_rnn(self.embed(x))
        return state

    def step(self, token, state):
        output, state = self.decoder_rnn(self.embed(token), state)
        return self.out(output[:, -1]), state

    def greedy_decode(self, x, max_length=30):
        n = x.size(0)
        state = self.encode(x)  # expect: NG101@17
        tokens = torch.full((n, max_length), self.end, dtype=torch.long)
        current = torch.full((n, 1), self.start, dtype=torch.long)
        for t in range(max_length):
            scores, state = self.step(current, state)
            _, best = F.softmax(scores, dim=1).max(1)
            tokens[:, t] = best
            current = best.unsqueeze(1)
            if (best == self.end).all():
                break
        return tokens


def load_model(path):
    checkpoint = torch.load(path, map_location="cpu")
    model = Seq2Seq(**checkpoint["kwargs"])
    model.load_state_dict(checkpoint["state"])
    return model


def translate_all(model, batches):
    model.eval()
    return [model.greedy_decode(batch).tolist() for batch in batches]
