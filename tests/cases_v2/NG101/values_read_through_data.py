"""`.data` drops the graph as `.detach()` does: outputs read through `.data.cpu().numpy()` at every
step of a loop are values read, their graphs thrown away (old code that relied on `volatile=True`,
a no-op since PyTorch 0.4)."""
import numpy as np
import torch


class Encoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.LSTM(8, 16)

    def forward(self, batch):
        return self.rnn(batch)[0].max(0)[0]

    def embed_all(self, sentences, size=64):
        rows = []
        for start in range(0, len(sentences), size):
            batch = torch.autograd.Variable(sentences[start:start + size], volatile=True)
            rows.append(self.forward(batch).data.cpu().numpy())  # expect: NG101@25
        return np.vstack(rows)
