"""Eval mode on a fully frozen network fed plain inputs: torch records no graph at all."""
import torch


def embed_corpus(text_encoder, batches):
    text_encoder.eval().requires_grad_(False)
    out = []
    for tokens in batches:
        out.append(text_encoder(tokens).mean(1).cpu())
    return torch.cat(out)


def score_images(backbone_a, paths):
    backbone_a.eval()
    for p in backbone_a.parameters():
        p.requires_grad = False
    images = torch.stack([torch.load(path) for path in paths])
    return backbone_a(images).softmax(-1).max(-1).values.tolist()
