"""Hard input: a class whose `__init__` names no parameter (`def __init__(*args, **kwargs)`), built
with a model in eval mode. Recording what its builders pass must not look for a `self` parameter
(that once failed the whole file); the field is stored through `args[0]`, so nothing is known of it."""
import torch


class Runner:
    def __init__(*args, **kwargs):
        args[0].m = args[1]

    def run(self, xs):
        return [self.m(x).argmax(-1).tolist() for x in xs]


def build():
    m = torch.nn.Linear(2, 2)
    m.eval()
    return Runner(m)
