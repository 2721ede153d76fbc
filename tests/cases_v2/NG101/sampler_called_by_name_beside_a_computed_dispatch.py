import torch
import torch.nn as nn


class Captioner(nn.Module):
    def __init__(self, vocab, width):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.cell = nn.GRUCell(width, width)
        self.logit = nn.Linear(width, vocab)

    def forward(self, *args, **kwargs):
        mode = kwargs.pop("mode", "forward")
        return getattr(self, "_" + mode)(*args, **kwargs)

    def caption(self, feats):
        return self._sample(feats).tolist()

    def _sample(self, feats):
        state = feats
        word = torch.zeros(feats.size(0), dtype=torch.long)
        seq = []
        for t in range(16):
            state = self.cell(self.embed(word), state)  # expect: NG101@21
            word = self.logit(state).argmax(-1)
            seq.append(word)
        return torch.stack(seq, 1)
