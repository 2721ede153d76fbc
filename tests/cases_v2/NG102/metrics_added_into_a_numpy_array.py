"""A trainer adds up its metrics per batch in NumPy arrays: `_eval_metrics` fills a fresh
`np.zeros` slot by slot (`scores[i] += metric(output, label)`) and returns it, and the epoch
totals it (`total_metrics += self._eval_metrics(output, label)`). A tensor stored into a slot
of a NumPy array becomes a float: the array holds no graph, silent. Twin: the loss tensor summed
into a plain running total, NG102."""
import numpy as np
import torch
import torch.nn.functional as F


class Trainer:
    def __init__(self, model, optimizer, metrics, loader):
        self.model = model
        self.optimizer = optimizer
        self.metrics = metrics
        self.loader = loader

    def _eval_metrics(self, output, label):
        scores = np.zeros(len(self.metrics))
        for i, metric in enumerate(self.metrics):
            scores[i] += metric(output, label)
        return scores

    def train_epoch(self):
        self.model.train()
        total_loss = 0
        total_metrics = np.zeros(len(self.metrics))
        for data, label in self.loader:
            output = self.model(data)
            loss = F.cross_entropy(output, label)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            total_loss += loss  # expect: NG102@27
            total_metrics += self._eval_metrics(output, label)
        print(total_loss / len(self.loader), total_metrics / len(self.loader))
