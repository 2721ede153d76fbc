import torch
import torch.nn as nn

from .base import Captioner


class AttentionCaptioner(Captioner):
    def __init__(self, vocab, width):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.cell = nn.GRUCell(width, width)
        self.logit = nn.Linear(width, vocab)

    def _forward(self, feats, words):
        state = feats
        outputs = []
        for t in range(words.size(1)):
            state = self.cell(self.embed(words[:, t]), state)
            outputs.append(self.logit(state))
        return torch.stack(outputs, 1)

    def _sample(self, feats, groups=1):
        if groups > 1:
            return self._diverse_sample(feats, groups)
        state = feats
        word = torch.zeros(feats.size(0), dtype=torch.long)
        seq = []
        for t in range(16):
            state = self.cell(self.embed(word), state)
            word = self.logit(state).argmax(-1)
            seq.append(word)
        return torch.stack(seq, 1)

    def _diverse_sample(self, feats, groups):
        seqs = []
        for g in range(groups):
            state = feats
            word = torch.full((feats.size(0),), g, dtype=torch.long)
            for t in range(16):
                state = self.cell(self.embed(word), state)
                word = self.logit(state).argmax(-1)
                seqs.append(word)
        return torch.stack(seqs, 1)
