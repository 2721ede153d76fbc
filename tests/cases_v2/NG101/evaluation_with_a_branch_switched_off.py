"""An evaluation function keeps an old path under `if False:` (switched off by hand) before the
one that runs: code that never runs is not analysed, so the finding sits at the first forward
pass that does run, where the fix's reader looks."""
import torch


def valid(m, support, batches):
    m.eval()
    if False:
        dynamic_weights = [m.meta_forward(s) for s in support]
    else:
        dynamic_weights = m.meta_forward(support)  # expect: NG101@27
    scores = []
    for images in batches:
        output = m.detect_forward(images, dynamic_weights)
        scores.append(output.argmax(1).tolist())
    return scores
