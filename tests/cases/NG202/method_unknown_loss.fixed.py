import torch


class Trainer:
    # evaluation and training share this decorator by mistake
    def fit_batch(self, batch):
        self.optimizer.zero_grad()
        loss = self.compute_loss(batch)
        loss.backward()
        self.optimizer.step()
