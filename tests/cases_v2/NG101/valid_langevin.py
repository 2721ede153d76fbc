"""Langevin dynamics on an energy model: gradients with respect to the samples."""
import torch


def langevin_sample(energy, x, steps=60, step_size=10.0, noise=0.005):
    energy.eval()
    x = x.clone()
    for _ in range(steps):
        x.requires_grad_(True)
        e = energy(x).sum()
        g, = torch.autograd.grad(e, x)
        x = (x - step_size * g + noise * torch.randn_like(x)).detach().clamp(-1, 1)
    energy.train()
    return x


def ebm_step(energy, opt, real, buffer):
    fake = langevin_sample(energy, buffer.sample(real.size(0)))
    buffer.push(fake)
    loss = energy(real).mean() - energy(fake).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
