"""A training loop logs image features every few steps with a vision encoder loaded with
`from_pretrained`, which gives the model in eval mode (transformers' loaders call `model.eval()`);
the encoder's parameters still require grad, so its forward records a graph that only the logged
statistics hold. NG101 at the encoder, after the training step."""
import torch
from transformers import CLIPVisionModel


def train(model, loader, opt, log_stats, log_every=1000):
    encoder = CLIPVisionModel.from_pretrained("openai/clip-vit-base-patch32")
    for step, (x, y) in enumerate(loader):
        with torch.no_grad():
            target = encoder(pixel_values=x).pooler_output
        loss = ((model(x) - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % log_every == 0:
            with torch.no_grad():
                images = model.generate(y)
            feats = encoder(pixel_values=images).pooler_output  # expect: NG101@21
            log_stats(feats.norm(dim=-1).cpu(), step)
