"""A trainer holds a model of a class it does not know (any of the library's recommenders), puts
it in eval mode and scores every batch with its `predict` method: whatever the class, `predict`
runs the model, and the scores of every batch keep their graphs."""
import torch


class Trainer:
    def __init__(self, model, optimizer):
        self.model = model
        self.optimizer = optimizer

    def fit_epoch(self, loader):
        self.model.train()
        for batch in loader:
            loss = self.model.calculate_loss(batch)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()

    def evaluate(self, loader):
        self.model.eval()
        all_scores = []
        for batch in loader:
            all_scores.append(self.model.predict(batch))  # expect: NG101@31
        return torch.cat(all_scores)
