"""A scoring helper pads token masks with `torch.nn.utils.rnn.pad_sequence` and reads a number from
them; an `evaluate` function calls it per batch. `torch.nn.utils.rnn` is a namespace of torch's,
not a recurrent network called by its name: no forward pass anywhere, silent (it was a forward
pass of a module named `rnn`: a medium false finding on the corpus, through a similarity function)."""
import torch


def token_count(masks):
    mask = torch.nn.utils.rnn.pad_sequence([m for m in masks], batch_first=True)
    return mask.sum().item()


def evaluate(batches):
    return [token_count(masks) for masks in batches]
