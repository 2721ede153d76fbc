from typing import Optional

import torch.nn as nn
import torch.nn.functional as F
from torch.optim import Optimizer


class GANLoss:
    """The losses a GAN is trained with; subclasses implement them."""

    def dis_loss(self, discriminator: nn.Module, real, fake):
        raise NotImplementedError("dis_loss is not implemented")

    def gen_loss(self, discriminator: nn.Module, real, fake):
        raise NotImplementedError("gen_loss is not implemented")


class Hinge(GANLoss):
    def dis_loss(self, discriminator, real, fake):
        return F.relu(1 - discriminator(real)).mean() + F.relu(1 + discriminator(fake)).mean()

    def gen_loss(self, discriminator, real, fake):
        return -discriminator(fake).mean()


class GAN:
    """Both steps go through a loss object given as the base class: the discriminator's loss is
    made from the generator's detached samples, and the generator's from its own samples, so the
    detached forward pass is training code, not evaluation."""

    def __init__(self, gen: nn.Module, dis: nn.Module):
        self.gen = gen
        self.dis = dis

    def optimize_discriminator(self, loss: GANLoss, dis_optim: Optimizer, noise, real,
                               labels: Optional[list] = None) -> float:
        fake = self.gen(noise).detach()
        dis_loss = loss.dis_loss(self.dis, real, fake)
        dis_optim.zero_grad()
        dis_loss.backward()
        dis_optim.step()
        return dis_loss.item()

    def optimize_generator(self, loss: GANLoss, gen_optim: Optimizer, noise, real) -> float:
        fake = self.gen(noise)
        gen_loss = loss.gen_loss(self.dis, real, fake)
        gen_optim.zero_grad()
        gen_loss.backward()
        gen_optim.step()
        return gen_loss.item()
