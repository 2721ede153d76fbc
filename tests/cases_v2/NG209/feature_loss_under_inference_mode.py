"""A feature loss runs its frozen autoencoder on the prediction and the target inside one
`inference_mode` block, then compares the features: the loss it returns has no graph back to the
prediction, so it adds nothing to the gradients of the network it is meant to train."""
import torch
import torch.nn.functional as F
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.requires_grad_(False)

    def forward(self, x):
        return torch.relu(self.conv(x))


class FeatureLoss(nn.Module):
    def __init__(self, weight=1.0):
        super().__init__()
        self.weight = weight
        self.encoder = Encoder()

    def forward(self, sr, hr):
        with torch.inference_mode():  # expect: NG209@14
            features_sr = self.encoder(sr)
            features_hr = self.encoder(hr)
        return self.weight * F.l1_loss(features_sr, features_hr)
