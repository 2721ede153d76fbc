import torch


def guess_labels(model, x):
    """Labels for an unlabelled batch; callers decide the grad mode."""
    return model(x).softmax(-1).argmax(-1)


def keep_first(x):
    return x.narrow(0, 0, 1)
