"""A multi-task evaluation harness in the style of public benchmark code.

Models are built from a config through a registry, and the evaluator dispatches each task to a
method found with `getattr`. `run()` puts the model in eval mode, but no task disables
gradients: every forward records a graph that nothing backpropagates.
"""
import argparse

import torch
from torch import nn

MODELS = {}


def register(name):
    def wrap(cls):
        MODELS[name] = cls
        return cls
    return wrap


@register("mlp")
class MLPEncoder(nn.Module):
    def __init__(self, in_dim=32, hidden=64, out_dim=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, hidden), nn.GELU(), nn.Linear(hidden, out_dim))
        self.head = nn.Linear(out_dim, 5)

    def embed(self, x):
        return self.net(x)

    def forward(self, x):
        return self.head(self.net(x))


def build_model(config):
    cfg = dict(config)
    return MODELS[cfg.pop("name")](**cfg)


def make_split(seed, count=64, dim=32):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(count, dim, generator=generator)
    return inputs, torch.randint(0, 5, (count,), generator=generator)


class Evaluator:
    def __init__(self, model, tasks, batch_size=16):
        self.model, self.tasks, self.batch_size = model, tasks, batch_size

    def batches(self, inputs, labels):
        for start in range(0, len(inputs), self.batch_size):
            yield inputs[start:start + self.batch_size], labels[start:start + self.batch_size]

    def task_classification(self, inputs, labels):
        hits = 0
        for x, y in self.batches(inputs, labels):
            hits += (self.model(x).argmax(1) == y).sum().item()
        return {"accuracy": hits / len(inputs)}

    def task_retrieval(self, inputs, labels):
        keys = torch.cat([self.model.embed(x) for x, _ in self.batches(inputs, labels)])
        keys = nn.functional.normalize(keys, dim=1)
        ranks = (keys @ keys.T).topk(2, dim=1).indices[:, 1]
        return {"recall@1": (labels[ranks] == labels).float().mean().item()}

    def run(self, split):
        self.model.eval()
        results = {}
        for task in self.tasks:
            results[task] = getattr(self, "task_" + task)(*split)
        return results


def main(argv=()):
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", default="classification,retrieval")
    args = parser.parse_args(list(argv))
    torch.manual_seed(0)
    evaluator = Evaluator(build_model({"name": "mlp", "hidden": 64}), args.tasks.split(","))
    return evaluator.run(make_split(seed=1))


if __name__ == "__main__":
    import sys

    print(main(sys.argv[1:]))
