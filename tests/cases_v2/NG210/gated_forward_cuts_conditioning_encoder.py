"""A conditional denoiser trainer whose denoiser forward pass is gated on `train_denoiser`, while
the conditioning comes from an encoder gated on its own flag: training only the encoder
(`train_denoiser=False`) runs the denoiser without gradients, so the encoder gets none."""
import torch
import torch.nn.functional as F


class Trainer:
    def __init__(self, encoder, denoiser, optimizer):
        self.encoder = encoder
        self.denoiser = denoiser
        self.optimizer = optimizer

    def predict(self, noisy, cond, train_denoiser, training=True):
        with torch.set_grad_enabled(training and train_denoiser):  # expect: NG210@14
            pred = self.denoiser(noisy, cond)
        return pred

    def step_loss(self, batch, train_encoder, train_denoiser, training=True):
        with torch.set_grad_enabled(training and train_encoder):
            cond = self.encoder(batch["tokens"])
        noise = torch.randn_like(batch["images"])
        pred = self.predict(batch["images"] + noise, cond, train_denoiser, training=training)
        return F.mse_loss(pred, noise)

    def fit(self, loader, train_encoder, train_denoiser):
        for batch in loader:
            loss = self.step_loss(batch, train_encoder, train_denoiser)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
