import numpy as np
import torch
import torch.nn as nn


class FeatureExtractor(nn.Module):
    """A metric network, built here with its parameters left trainable."""

    def __init__(self, dims=2048, requires_grad=False):
        super().__init__()
        self.blocks = nn.Sequential(nn.Conv2d(3, 32, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                    nn.Linear(32, dims))
        for param in self.parameters():
            param.requires_grad = requires_grad

    def forward(self, images):
        return self.blocks(images)


def activations(images, model, batch_size=50):
    model.eval()
    features = []
    for start in range(0, len(images), batch_size):
        batch = torch.from_numpy(images[start:start + batch_size])
        # trainable parameters: each batch records a graph the conversion throws away
        features.append(model(batch).cpu().numpy())  # expect: NG101@25
    return np.concatenate(features)


def fid_statistics(images):
    model = FeatureExtractor(requires_grad=True)  # asked for gradients it never uses
    feats = activations(images, model)
    return feats.mean(0), np.cov(feats, rowvar=False)
