"""The generator's step is given the generator, the feature network and the optimizer; the caller
builds the optimizer over the generator's parameters. The feature network runs on the generated
images under `no_grad`, so the perceptual term sends the generator no gradient."""
import torch
import torch.nn.functional as F
from torch import nn


def generator_step(generator, features, optimizer, z, real):
    fake = generator(z)
    with torch.no_grad():
        fake_features = features(fake)  # expect: NG210@25
        real_features = features(real)
    loss = F.l1_loss(fake, real) + F.mse_loss(fake_features, real_features)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def train(batches, steps=100):
    generator = nn.Sequential(nn.Linear(8, 16), nn.Tanh())
    features = nn.Linear(16, 4).requires_grad_(False)
    optimizer = torch.optim.Adam(generator.parameters(), lr=2e-4)
    for z, real in batches:
        generator_step(generator, features, optimizer, z, real)
