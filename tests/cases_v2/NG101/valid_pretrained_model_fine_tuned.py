"""Twins of pretrained_vae_sampled_in_training_loop.py: a model loaded with `from_pretrained` (in eval
mode) that the loop fine-tunes, backpropagating through it; and the periodic decode under `no_grad`."""
import torch
from diffusers.models import AutoencoderKL
from transformers import AutoModelForSequenceClassification


def fine_tune(loader, opt_factory):
    model = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased")
    opt = opt_factory(model.parameters())
    for batch in loader:
        out = model(**batch)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
    return model


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
                images = vae.decode(model(torch.randn_like(latents), y) / 0.18215).sample
            log_image(images.clamp(-1, 1).cpu(), step)
