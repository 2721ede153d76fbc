"""Twins of pretrained_vae_sampled_in_training_loop.py: a model loaded with `from_pretrained` (in eval
mode) that the loop fine-tunes, backpropagating through it; and the periodic encoding under
`no_grad`."""
import torch
from transformers import AutoModelForSequenceClassification, CLIPVisionModel


def fine_tune(loader, opt_factory):
    model = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased")
    opt = opt_factory(model.parameters())
    for batch in loader:
        out = model(**batch)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
    return model


def train(model, loader, opt, log_stats, log_every=1000):
    encoder = CLIPVisionModel.from_pretrained("openai/clip-vit-base-patch32")
    for step, (x, y) in enumerate(loader):
        loss = ((model(x) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % log_every == 0:
            with torch.no_grad():
                feats = encoder(pixel_values=model.generate(y)).pooler_output
            log_stats(feats.norm(dim=-1).cpu(), step)
