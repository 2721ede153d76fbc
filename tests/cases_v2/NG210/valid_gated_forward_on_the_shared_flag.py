"""Twins: the denoiser gated only on the flag the encoder's gate also needs (`training`), so the
encoder's graph is never cut; and a denoiser gated on its own flag fed plain data."""
import torch
import torch.nn.functional as F


class Trainer:
    def __init__(self, encoder, denoiser, optimizer):
        self.encoder = encoder
        self.denoiser = denoiser
        self.optimizer = optimizer

    def predict(self, noisy, cond, training=True):
        with torch.set_grad_enabled(training):
            pred = self.denoiser(noisy, cond)
        return pred

    def step_loss(self, batch, train_encoder, training=True):
        with torch.set_grad_enabled(training and train_encoder):
            cond = self.encoder(batch["tokens"])
        noise = torch.randn_like(batch["images"])
        pred = self.predict(batch["images"] + noise, cond, training=training)
        return F.mse_loss(pred, noise)

    def fit(self, loader, train_encoder):
        for batch in loader:
            loss = self.step_loss(batch, train_encoder)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()


class PlainTrainer:
    def __init__(self, denoiser, optimizer):
        self.denoiser = denoiser
        self.optimizer = optimizer

    def predict(self, noisy, labels, train_denoiser, training=True):
        with torch.set_grad_enabled(training and train_denoiser):
            pred = self.denoiser(noisy, labels)
        return pred

    def step_loss(self, batch, train_denoiser, training=True):
        labels = batch["labels"].long()
        noise = torch.randn_like(batch["images"])
        pred = self.predict(batch["images"] + noise, labels, train_denoiser, training=training)
        return F.mse_loss(pred, noise)

    def fit(self, loader, train_denoiser):
        for batch in loader:
            loss = self.step_loss(batch, train_denoiser)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
