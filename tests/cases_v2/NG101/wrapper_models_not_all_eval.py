"""Twins of eval_model_given_to_wrapper.py: the field is not surely in eval mode when `run` runs it,
so no eval mode rests on the builders. One builder passes a network in training mode; another class
switches its field back to training mode in a method; a third stores a new network outside
`__init__`. Both builders of `Runner` pass a module, though, so its `run` still runs a module and
reads only the values of every batch: that graph is thrown away whatever the mode (reported without
an eval-mode reason); so does `Tuner.run`, whose class calls `.train()` on its field, a module by
that evidence."""
import torch
from torch import nn


def load(path):
    m = nn.Linear(16, 4)
    m.load_state_dict(torch.load(path))
    m.eval()
    return m


class Runner:
    def __init__(self, m):
        self.m = m

    def run(self, batches):
        return [self.m(batch).argmax(-1).tolist() for batch in batches]  # expect: NG101@17


class Tuner:
    def __init__(self, m):
        self.m = m

    def tune(self, batches, targets, opt):
        self.m.train()
        for batch, target in zip(batches, targets):
            opt.zero_grad()
            nn.functional.cross_entropy(self.m(batch), target).backward()
            opt.step()

    def run(self, batches):
        return [self.m(batch).argmax(-1).tolist() for batch in batches]  # expect: NG101@17


class Swapper:
    def __init__(self, m):
        self.m = m

    def swap(self, fresh):
        self.m = fresh

    def run(self, batches):
        return [self.m(batch).argmax(-1).tolist() for batch in batches]


def build(path):
    evaluated = Runner(load(path))
    fresh = Runner(nn.Linear(16, 4))
    tuner = Tuner(load(path))
    swapper = Swapper(load(path))
    return evaluated, fresh, tuner, swapper
