"""A diffusion training loop decodes samples every few steps for a log image with a VAE loaded with
`from_pretrained`, which gives the model in eval mode (transformers' and diffusers' loaders call
`model.eval()`); the VAE's parameters still require grad, so the decode records a graph that only
the logged image holds. NG101 at the decode."""
import torch
from diffusers.models import AutoencoderKL


def train(model, loader, opt, log_image, sample_every=1000):
    vae = AutoencoderKL.from_pretrained("stabilityai/sd-vae-ft-ema")
    for step, (x, y) in enumerate(loader):
        with torch.no_grad():
            latents = vae.encode(x).latent_dist.sample() * 0.18215
        noise = torch.randn_like(latents)
        loss = ((model(latents + noise, y) - noise) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % sample_every == 0:
            with torch.no_grad():
                z = torch.randn_like(latents)
                for _ in range(50):
                    z = z - 0.02 * model(z, y)
            images = vae.decode(z / 0.18215).sample  # expect: NG101@22
            log_image(images.clamp(-1, 1).cpu(), step)
