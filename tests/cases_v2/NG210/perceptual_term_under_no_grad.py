"""A generator step adds a perceptual term computed by a frozen feature network under `no_grad`
on the generated images: the adversarial term trains the generator, the perceptual term never
does (freezing the feature network was enough)."""
import torch
import torch.nn.functional as F


class Trainer:
    def __init__(self, gen, disc, features):
        self.gen, self.disc = gen, disc
        self.features = features.eval().requires_grad_(False)
        self.opt_g = torch.optim.Adam(self.gen.parameters(), lr=2e-4)

    def generator_step(self, z, real):
        fake = self.gen(z)
        adversarial = F.softplus(-self.disc(fake)).mean()
        with torch.no_grad():
            fake_features = self.features(fake)  # expect: NG210@29
            real_features = self.features(real)
        loss = adversarial + F.l1_loss(fake_features, real_features)
        self.opt_g.zero_grad()
        loss.backward()
        self.opt_g.step()
