# nograd-verify: expect NG210
"""A VAE trained with a KL term and a perceptual reconstruction term computed under no_grad.

The feature network that compares the reconstruction with the input is fixed, so its author ran
it under `torch.no_grad()` "to save memory". The KL term still has a graph, so `loss.backward()`
runs and nothing fails, but the reconstruction term sends no gradient back: the decoder's
parameters keep `.grad is None` and the optimizer never changes them, while the encoder learns
from the KL term alone. Freezing the feature network (`requires_grad_(False)`) and running it
with gradients on is what was meant. `main()` returns the gradients of every parameter of the
VAE after training; the decoder's are `None`.
"""
import torch
import torch.nn.functional as F
from torch import nn


class VAE(nn.Module):
    def __init__(self, features=16, latent=4):
        super().__init__()
        self.encoder = nn.Linear(features, 2 * latent)
        self.decoder = nn.Linear(latent, features)

    def forward(self, x):
        mean, log_var = self.encoder(x).chunk(2, dim=-1)
        z = mean + torch.randn_like(mean) * (0.5 * log_var).exp()
        return self.decoder(z), mean, log_var


class Trainer:
    def __init__(self, vae, perceptual):
        self.vae = vae
        self.perceptual = perceptual.eval()
        self.optimizer = torch.optim.Adam(self.vae.parameters(), lr=1e-3)

    def step(self, x):
        recon, mean, log_var = self.vae(x)
        kl = -0.5 * (1 + log_var - mean.pow(2) - log_var.exp()).sum(-1).mean()
        with torch.no_grad():
            recon_features = self.perceptual(recon)
            input_features = self.perceptual(x)
        loss = kl + F.l1_loss(recon_features, input_features)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()


def main():
    torch.manual_seed(0)
    vae = VAE()
    trainer = Trainer(vae, nn.Sequential(nn.Linear(16, 8), nn.Tanh()))
    data = torch.randn(64, 16)
    for batch in data.split(16):
        trainer.step(batch)
    return {name: p.grad for name, p in vae.named_parameters()}


if __name__ == "__main__":
    print({name: grad is None for name, grad in main().items()})
