"""Gradient-guided decoding: `decode` optimises a perturbation through the frozen model (autograd
must stay on), then completes the sentence with a helper of another module."""
import torch

from .util import complete_sentence, score_lines


def decode(model, reranker, prompt_ids, steps):
    epsilon = torch.zeros(prompt_ids.shape[0], 8, requires_grad=True)
    optim = torch.optim.Adam([epsilon], lr=0.1)
    for _ in range(steps):
        optim.zero_grad()
        energy = model.energy(prompt_ids, epsilon)
        energy.backward()
        optim.step()
    completed = complete_sentence(model, prompt_ids, 20)
    return completed, score_lines(reranker, [completed])
