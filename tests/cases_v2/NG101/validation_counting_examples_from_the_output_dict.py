"""A trainer's validation helper runs the same `_forward` its training step backpropagates, reads the
loss as numbers and counts examples from the output dict (`n += out["n_exs"]`). A key that names a
count holds a number, never a graph: nothing leaves the loop with one."""
import torch


class Trainer:
    def __init__(self, model):
        self._model = model

    def _forward(self, batch):
        return self._model.forward(batch)

    def train(self, loader, opt):
        self._model.train()
        for batch in loader:
            out = self._forward(batch)
            out["loss"].backward()
            opt.step()

    def _validate(self, loader):
        self._model.eval()
        return self._calculate_validation_performance(loader, {"loss": 0.0})

    def _calculate_validation_performance(self, loader, metrics):
        n_examples = 0
        for batch in loader:
            out = self._forward(batch)  # expect: NG101@19
            metrics["loss"] += out["loss"].data.cpu().numpy()
            n_examples += out["n_exs"]
            metrics["tokens"] = out["num_tokens"]
        return n_examples, metrics

    def _collect_scores(self, loader):
        scores = []
        for batch in loader:
            out = self._forward(batch)
            scores.append(out["scores"])
        return scores
