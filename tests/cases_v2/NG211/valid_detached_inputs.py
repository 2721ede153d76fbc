"""Twins of a module run on a detached input in a training step: the discriminator step (its
optimizer steps the discriminator), a linear probe on detached features (the probe is what the
optimizer steps), a combined optimizer over both networks, an optimizer handed in by the
caller (what it holds is not known), and a hinge criterion module given the discriminator's
scores of a detached fake (they carry the discriminator's graph, which its step trains)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def discriminator_step(generator, discriminator, z, real):
    optimizer_d = torch.optim.Adam(discriminator.parameters())
    fake = generator(z)
    scores = discriminator(fake.detach())
    loss_d = F.softplus(scores).mean() + F.softplus(-discriminator(real)).mean()
    optimizer_d.zero_grad()
    loss_d.backward()
    optimizer_d.step()


def probe_step(encoder, probe, x, y):
    optimizer = torch.optim.SGD(probe.parameters(), lr=0.1)
    features = encoder(x)
    loss = F.cross_entropy(probe(features.detach()), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def joint_step(generator, discriminator, z, real):
    optimizer = torch.optim.Adam(list(generator.parameters()) + list(discriminator.parameters()))
    fake = generator(z)
    loss = F.softplus(discriminator(fake.detach())).mean() + F.l1_loss(fake, real)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def handed_step(generator, discriminator, optimizer, z, real):
    fake = generator(z)
    loss = F.softplus(-discriminator(fake.detach())).mean() + F.l1_loss(fake, real)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


class Hinge(nn.Module):
    def forward(self, real_scores, fake_scores):
        return F.relu(1 - real_scores).mean() + F.relu(1 + fake_scores).mean()


def hinge_discriminator_step(generator, discriminator, z, real):
    optimizer_g = torch.optim.Adam(generator.parameters())
    optimizer_d = torch.optim.Adam(discriminator.parameters())
    criterion = Hinge()
    fake = generator(z)
    loss_g = F.softplus(-discriminator(fake)).mean()
    optimizer_g.zero_grad()
    loss_g.backward()
    optimizer_g.step()
    loss_d = criterion(discriminator(real), discriminator(fake.detach()))
    optimizer_d.zero_grad()
    loss_d.backward()
    optimizer_d.step()
