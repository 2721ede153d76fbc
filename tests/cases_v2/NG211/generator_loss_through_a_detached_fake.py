"""A GAN whose generator step scores the detached fake with the discriminator: the adversarial
term's graph goes through the discriminator only, which the generator's optimizer does not step,
and stops at the `.detach()` before the generator. The term trains nothing; only the L1 term
trains the generator. NG211 at the discriminator's call in the generator step (the
discriminator step that follows detaches on purpose: its optimizer steps the discriminator)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Pix2Pix:
    def __init__(self):
        self.generator = nn.Linear(8, 16)
        self.discriminator = nn.Linear(16, 1)
        self.optimizer_g = torch.optim.Adam(self.generator.parameters(), lr=2e-4)
        self.optimizer_d = torch.optim.Adam(self.discriminator.parameters(), lr=2e-4)

    def step(self, z, real):
        fake = self.generator(z)
        self.optimizer_g.zero_grad()
        scores = self.discriminator(fake.detach())  # expect: NG211@18
        loss_g = F.binary_cross_entropy_with_logits(scores, torch.ones_like(scores)) + F.l1_loss(fake, real)
        loss_g.backward()
        self.optimizer_g.step()
        self.optimizer_d.zero_grad()
        fake_scores = self.discriminator(fake.detach())
        real_scores = self.discriminator(real)
        loss_d = (F.binary_cross_entropy_with_logits(fake_scores, torch.zeros_like(fake_scores))
                  + F.binary_cross_entropy_with_logits(real_scores, torch.ones_like(real_scores)))
        loss_d.backward()
        self.optimizer_d.step()
