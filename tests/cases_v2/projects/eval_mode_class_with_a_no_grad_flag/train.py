"""`eval_prior` runs under `utils.eval_mode(..., no_grad=True)`: gradients are off, silent.
`eval_encoder` uses the same class without the flag: the encoder runs in eval mode with
gradients on and its losses are only summed as numbers, reported. `eval_flagged` passes a flag
held in a field: which mode it runs in is not known, silent."""
import torch
import torch.nn as nn

import utils


class Workspace:
    def __init__(self, loader, test_loader, use_no_grad):
        self.encoder = nn.Linear(8, 4)
        self.prior = nn.Linear(4, 2)
        self.optimizer = torch.optim.Adam(list(self.encoder.parameters()) + list(self.prior.parameters()))
        self.loader = loader
        self.test_loader = test_loader
        self.use_no_grad = use_no_grad

    def train_epoch(self):
        for obs, target in self.loader:
            loss = (self.prior(self.encoder(obs)) - target).pow(2).mean()
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()

    def eval_prior(self):
        total = 0.0
        with utils.eval_mode(self.encoder, self.prior, no_grad=True):
            for obs, target in self.test_loader:
                total += (self.prior(self.encoder(obs)) - target).pow(2).mean().item()
        return total

    def eval_encoder(self):
        total = 0.0
        with utils.eval_mode(self.encoder):
            for obs, target in self.test_loader:
                total += self.encoder(obs).pow(2).mean().item()  # expect: NG101@26
        return total

    def eval_flagged(self):
        total = 0.0
        with utils.eval_mode(self.encoder, no_grad=self.use_no_grad):
            for obs, target in self.test_loader:
                total += self.encoder(obs).pow(2).mean().item()
        return total

    def run(self, epochs):
        for _ in range(epochs):
            self.train_epoch()
            print(self.eval_prior(), self.eval_encoder(), self.eval_flagged())
