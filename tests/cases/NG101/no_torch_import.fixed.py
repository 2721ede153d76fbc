"""A module that never imports torch itself: the fix adds the import."""
from __future__ import annotations

import torch
from mylib import load_model


@torch.no_grad()
def validate(model, val_loader):
    scores = []
    for batch in val_loader:
        scores.append(model(batch).mean().item())  # expect: NG101@23
    return sum(scores) / len(scores)
