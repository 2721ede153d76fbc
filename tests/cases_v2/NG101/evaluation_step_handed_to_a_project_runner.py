# settings: min_confidence=low
"""`evaluate` hands a closure that runs the model to a project runner, which calls it on every
batch and returns what it gives back; `evaluate` reads only indices from the outputs. The
forward passes are the call's (`runner.run`), so `evaluate` is the evaluation: NG101 there, low
(its name is the only sign that the graph is not wanted, beyond the values read). Before, calls
of a function handed to a callee were not followed and nothing was reported."""
import torch
from torch import nn


class Runner:
    def __init__(self, log_every=10):
        self.log_every = log_every

    def run(self, loader, step):
        outputs = []
        for i, batch in enumerate(loader):
            outputs.append(step(batch))
            if i % self.log_every == 0:
                print(f"batch {i}")
        return outputs


def evaluate(model: nn.Module, loader):
    model.eval()
    runner = Runner()

    def step(batch):
        return model(batch)

    outputs = runner.run(loader, step)  # expect: NG101@15
    return torch.cat(outputs).argmax(1).tolist()
