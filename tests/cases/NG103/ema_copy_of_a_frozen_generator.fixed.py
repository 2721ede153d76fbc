"""A GAN loop keeps an exponential moving average of its generator. Frozen when built, through a
chain (`Net().train().requires_grad_(False)`), the generator's deep copy is frozen too: the
in-place EMA update of the copy's parameters records nothing and is allowed. A copy of a
generator that is never frozen still requires grad: the in-place update raises."""
import copy

import torch
from torch import nn


def train_frozen_generator(steps, beta=0.999):
    generator = nn.Linear(8, 8).train().requires_grad_(False)
    generator_ema = copy.deepcopy(generator).eval()
    optimizer = torch.optim.Adam(generator.parameters(), lr=1e-3)
    for _ in range(steps):
        generator.requires_grad_(True)
        loss = generator(torch.randn(4, 8)).square().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        generator.requires_grad_(False)
        for p_ema, p in zip(generator_ema.parameters(), generator.parameters()):
            p_ema.copy_(p.lerp(p_ema, beta))


def train_trainable_generator(steps, beta=0.999):
    critic = nn.Linear(8, 8)
    critic_ema = copy.deepcopy(critic)
    optimizer = torch.optim.Adam(critic.parameters(), lr=1e-3)
    for _ in range(steps):
        loss = critic(torch.randn(4, 8)).square().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            for p_ema, p in zip(critic_ema.parameters(), critic.parameters()):
                p_ema.copy_(p.lerp(p_ema, beta))  # expect: NG103@13
