import torch

__all__ = ["Sampler"]


class Sampler:
    """Holds a trained denoiser, put in eval mode once, for the samplers built on it."""

    def __init__(self, denoiser, steps=50):
        self.denoiser = denoiser.eval()
        self.steps = steps

    def noise_like(self, x):
        return torch.randn_like(x)
