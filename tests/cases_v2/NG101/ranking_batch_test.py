"""A research repository's `batch_test.py` holds the evaluation code (`test(model, users)`): a
file named like a test that is no test suite (no test framework, no test class)."""
import numpy as np


def test(model, users, item_batches):
    scores = np.zeros((len(users), 100))
    for start, items in item_batches:
        user_emb, item_emb = model(users, items)  # expect: NG101@30
        scores[:, start:start + len(items)] = model.rating(user_emb, item_emb).detach().cpu()
    return scores.argsort(1)
