"""A predictor's private helper runs the network; `predict_2D` calls it under `no_grad`, and so does
`predict_volume` through a slice-by-slice helper. Only an unused `predict_pseudo_3D` calls it with
gradients on, in a loop: that caller is the finding, with stronger evidence than the helper has,
and the helper is not reported beside it (one finding per wasted graph)."""
import numpy as np
import torch
import torch.nn as nn


class SegmentationNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)

    def forward(self, x):
        return self.conv(x)

    def predict_2D(self, x):
        self.eval()
        with torch.no_grad():
            return self._internal_predict_2D(x)

    def predict_volume(self, x):
        self.eval()
        with torch.no_grad():
            return self._internal_predict_slices(x)

    def _internal_predict_slices(self, x):
        return np.stack([self._internal_predict_2D(x[:, s]) for s in range(x.shape[1])])

    def _internal_predict_2D(self, x):
        data = torch.from_numpy(x)[None]
        probabilities = torch.softmax(self(data), 1)
        return probabilities[0].cpu().numpy()

    def predict_pseudo_3D(self, x):
        slices = []
        for s in range(x.shape[1]):
            slices.append(self._internal_predict_2D(x[:, s]))  # expect: NG101@27
        return np.stack(slices)
