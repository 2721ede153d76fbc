"""Twin of projects/decoders_reached_by_a_computed_method_name: an evaluator's `run` puts the
model in eval mode and dispatches each task by a computed name (`getattr(self, "task_" + name)`),
and the only caller of `run`, the script, runs it with gradients on. The dispatcher's callers
settle the grad mode its targets run in, so the task that keeps only argmax hits is NG101."""
import torch
from torch import nn


class Evaluator:
    def __init__(self, model, tasks):
        self.model, self.tasks = model, tasks

    def task_accuracy(self, batches):
        hits = 0
        for x, y in batches:
            hits += (self.model(x).argmax(1) == y).sum().item()  # expect: NG101@22
        return hits

    def run(self, batches):
        self.model.eval()
        return {name: getattr(self, "task_" + name)(batches) for name in self.tasks}


model = nn.Linear(8, 3)
model.load_state_dict(torch.load("linear.pt"))
print(Evaluator(model, ["accuracy"]).run([(torch.randn(4, 8), torch.randint(0, 3, (4,)))]))
