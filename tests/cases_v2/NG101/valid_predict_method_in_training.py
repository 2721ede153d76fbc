"""The twin: `predict` of a model in training mode inside the training loop feeds the loss, so the
graph is needed; and on a module of unknown class that nothing put in eval mode, `predict` is not
known to run it (a wrapper's `predict` may return plain numbers), so a loop over it is not read as
evaluation."""
import torch


class Trainer:
    def __init__(self, model, optimizer):
        self.model = model
        self.optimizer = optimizer

    def fit_epoch(self, loader):
        self.model.train()
        for batch, target in loader:
            loss = torch.nn.functional.mse_loss(self.model.predict(batch), target)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()

    def total_score(self, scorer: torch.nn.Module, loader):
        total = 0.0
        for batch, _ in loader:
            total += scorer.predict(batch).sum().item()
        return total
