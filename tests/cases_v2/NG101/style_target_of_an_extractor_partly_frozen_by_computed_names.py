"""Twin of valid_style_target_of_an_extractor_frozen_by_computed_names.py: the extractor also
builds a `proj` layer its freezing loop does not reach (not named `enc_...`), so its parameters
still require grad: the target's features carry a graph through them, NG104."""
import torch
import torch.nn.functional as F
from torch import nn


class FeatureExtractor(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc_1 = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU())
        self.enc_2 = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1), nn.ReLU())
        self.proj = nn.Conv2d(16, 16, 1)
        for i in range(2):
            for param in getattr(self, "enc_{:d}".format(i + 1)).parameters():
                param.requires_grad = False

    def forward(self, image):
        results = [image]
        for i in range(2):
            results.append(getattr(self, "enc_{:d}".format(i + 1))(results[-1]))
        return results[1:] + [self.proj(results[-1])]


class Inpainter(nn.Module):
    def __init__(self, gpu_ids):
        super().__init__()
        self.net = nn.Conv2d(4, 3, 3, padding=1)
        self.extractor = FeatureExtractor()
        if gpu_ids:
            self.extractor = nn.DataParallel(self.extractor, gpu_ids)
        self.style_loss = nn.MSELoss()
        self.optimizer = torch.optim.Adam(self.net.parameters())

    def train_step(self, masked, mask, image):
        real = (image - 0.5) / 0.5
        fake = self.net(torch.cat([masked, mask], 1))
        fake_features = self.extractor(fake)
        real_features = self.extractor(real)  # expect: NG104@25
        loss = F.l1_loss(fake, real)
        for i in range(2):
            loss = loss + self.style_loss(fake_features[i], real_features[i])
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
