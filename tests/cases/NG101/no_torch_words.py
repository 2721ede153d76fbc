"""Nothing here says torch or grad; the evaluation is still there."""
from mylib import load


def infer(model, batches):
    model.eval()
    return [model(batch).argmax(1).tolist() for batch in batches]  # expect: NG101@13
