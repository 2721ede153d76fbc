import torch.nn as nn
import torch.nn.functional as F


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 32))

    def forward(self, z):
        return self.net(z)


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, x):
        return self.net(x)


class GAN:
    """The discriminator's step detaches the generator's samples: the generator is trained in the
    generator's step of the same class, so this is training code. A sample grid the generator
    draws in a training step for a picture, and a feature network nothing in the class trains,
    only waste a graph."""

    def __init__(self, features: nn.Module):
        self.gen = Generator()
        self.dis = Critic()
        self.features = features

    def optimize_discriminator(self, dis_optim, noise, real):
        fake = self.gen(noise).detach()
        loss = F.softplus(self.dis(fake)).mean() + F.softplus(-self.dis(real)).mean()
        dis_optim.zero_grad()
        loss.backward()
        dis_optim.step()
        return loss.item()

    def optimize_and_show(self, dis_optim, noise, real, fixed_z, show):
        self.optimize_discriminator(dis_optim, noise, real)
        loss = F.softplus(-self.dis(real)).mean()
        loss.backward()
        dis_optim.step()
        show(self.gen(fixed_z).detach())  # expect: NG101@14

    def optimize_generator(self, gen_optim, noise):
        loss = F.softplus(-self.dis(self.gen(noise))).mean()
        gen_optim.zero_grad()
        loss.backward()
        gen_optim.step()
        return loss.item()

    def optimize_with_features(self, dis_optim, noise, real):
        target = self.features(real).detach()  # expect: NG101@18
        loss = F.mse_loss(self.dis(self.gen(noise).detach()), target[:, :1])
        dis_optim.zero_grad()
        loss.backward()
        dis_optim.step()
        return loss.item()
