"""Ranking metrics, star-imported by the training script."""
import numpy as np

__all__ = ["hit_rate", "top_k"]


def top_k(scores, k):
    return np.argsort(-scores)[:k]


def hit_rate(model, users, k=10):
    hits = 0
    for seqs, target, candidates in users:
        ranked = model.scores(seqs, candidates).argsort(descending=True)
        hits += int(target in ranked[:k].tolist())
    return hits / len(users)


def _unused(m, users):
    return [m.scores(s, c) for s, c in users]
