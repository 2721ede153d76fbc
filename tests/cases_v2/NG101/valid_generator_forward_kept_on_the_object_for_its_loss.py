"""A GAN whose `forward` keeps the generated batch on the object (`self.fake`): after the
discriminator's steps, the generator's step runs `self.forward()` and its loss reads `self.fake`
through the discriminator, then backpropagates. The forward pass feeds the generator's update:
no evaluation, whatever trained before it."""
import torch
import torch.nn as nn


def hinge_gen(scores):
    return -scores.mean()


class GAN(nn.Module):
    def __init__(self, critic_steps):
        super().__init__()
        self.critic_steps = critic_steps
        self.netG = nn.Linear(8, 16)
        self.netD = nn.Linear(16, 1)
        self.optimizer_G = torch.optim.Adam(self.netG.parameters())
        self.optimizer_D = torch.optim.Adam(self.netD.parameters())

    def forward(self):
        self.z = torch.randn(4, 8)
        self.fake = self.netG(self.z)

    def train_step(self, real):
        for _ in range(self.critic_steps):
            self.optimizer_D.zero_grad()
            with torch.set_grad_enabled(False):
                self.forward()
            self.loss_D = torch.relu(1 + self.netD(self.fake)).mean() + torch.relu(1 - self.netD(real)).mean()
            self.loss_D.backward()
            self.optimizer_D.step()
        self.optimizer_G.zero_grad()
        self.forward()
        self.loss_G = hinge_gen(self.netD(self.fake))
        self.loss_G.backward()
        self.optimizer_G.step()
