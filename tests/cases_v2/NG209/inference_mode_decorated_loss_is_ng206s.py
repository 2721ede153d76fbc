# settings: min_confidence=low
"""A loss whose `forward` is decorated with `@torch.inference_mode()`: NG206 reports the decorator
(its outputs are inference tensors), and NG209 leaves it to it: one finding for one mistake."""
import torch
from torch import nn


class SpectralLoss(nn.Module):
    @torch.inference_mode()  # expect: NG206@6
    def forward(self, prediction, target):
        return (torch.fft.rfft(prediction).abs() - torch.fft.rfft(target).abs()).pow(2).mean()
