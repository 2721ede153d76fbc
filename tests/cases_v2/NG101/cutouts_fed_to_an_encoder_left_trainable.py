"""The twin of `valid_frozen_encoder_on_cutouts_of_a_parameter_free_module.py` whose encoder is
only put in eval mode: its parameters still require grad, so embedding every prompt's cutouts
records a graph that the caller turns into numbers. NG101 (high) at the forward pass."""
import torch
import torch.nn.functional as F
from torch import nn


class MakeCutouts(nn.Module):
    def __init__(self, cut_size, cutn):
        super().__init__()
        self.cut_size = cut_size
        self.cutn = cutn

    def forward(self, image):
        return torch.cat([F.adaptive_avg_pool2d(image, self.cut_size) for _ in range(self.cutn)])


def prompt_scores(encoder, images, cutn):
    encoder.eval()
    make_cutouts = MakeCutouts(224, cutn)
    scores = []
    for image in images:
        embedding = encoder(make_cutouts(image))  # expect: NG101@21
        scores.append(embedding.norm().item())
    return scores
