"""A function nothing in sight calls turns what a decoding method returns into arrays undetached.
The method copies argmax indices (`_, current = scores.max(1)`: the indices carry no graph) into an
integer tensor, so `.numpy()` works with gradients on and says nothing of the callers: every graph
the decoding loop records dies inside the method, whose callers put the model in eval mode. It is
reported there, once: no caller gets a graph from it (the loop over prompts is fixed with it)."""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Speller(nn.Module):
    def __init__(self, vocab, hidden, start, end):
        super().__init__()
        self.start, self.end = start, end
        self.embed = nn.Embedding(vocab, hidden)
        self.cell = nn.GRUCell(hidden, hidden)
        self.out = nn.Linear(hidden, vocab)

    def spell(self, prompt, steps=30):
        n = prompt.size(0)
        letters = torch.LongTensor(n, steps).fill_(self.end)
        finished = torch.zeros(n, dtype=torch.bool)
        current = prompt.new(n).fill_(self.start)
        h = torch.zeros(n, self.cell.hidden_size)
        for t in range(steps):
            h = self.cell(self.embed(current), h)  # expect: NG101@17
            _, current = F.softmax(self.out(h), dim=1).max(1)
            letters[:, t][~finished] = current.cpu()[~finished]
            finished = finished | (current.cpu() == self.end)
            if finished.all():
                break
        return letters.type_as(prompt)


def spell_all(speller, prompts, batch_size):
    speller.eval()
    words = []
    for first in range(0, len(prompts), batch_size):
        for prompt in torch.as_tensor(prompts[first:first + batch_size]):
            word = speller.spell(prompt.view(1, -1))
            words.append(word.cpu().numpy().squeeze())
    return np.asarray(words)


def spell_one(speller, prompt):
    speller.eval()
    return speller.spell(prompt)
