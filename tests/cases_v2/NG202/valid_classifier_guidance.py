"""Classifier guidance: a no_grad sampler that turns gradients back on for the guide."""
import torch


@torch.no_grad()
def guided_sample(unet, clf, scheduler, shape, labels, scale=3.0):
    x = torch.randn(shape)
    for t in scheduler.timesteps:
        eps = unet(x, t).sample
        with torch.enable_grad():
            x_in = x.detach().requires_grad_(True)
            log_p = clf(x_in, t).log_softmax(-1)[torch.arange(len(labels)), labels].sum()
            grad = torch.autograd.grad(log_p, x_in)[0]
        eps = eps - scale * (1 - scheduler.alphas_cumprod[t]).sqrt() * grad
        x = scheduler.step(eps, t, x).prev_sample
    return x
