import torch
import torch.nn as nn


class VAE(nn.Module):
    def __init__(self, dim=16, latent=4):
        super().__init__()
        self.encoder = nn.Linear(dim, 2 * latent)
        self.decoder = nn.Linear(latent, dim)

    def encode(self, x):
        mean, logvar = self.encoder(x).chunk(2, dim=-1)
        return mean, logvar

    def reparameterize(self, mean, logvar):
        return mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)

    def sample_latent(self, x):
        latent_dist = self.encode(x)
        # the distribution's parameters are passed on as `*args`: the sample keeps their graph
        return self.reparameterize(*latent_dist)


def train(model, batches, optimizer):
    for x in batches:
        z = model.sample_latent(x)
        loss = (model.decoder(z) - x).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
