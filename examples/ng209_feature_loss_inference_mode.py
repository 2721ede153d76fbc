# nograd-verify: expect NG209
"""A super-resolution network fine-tuned with a feature loss computed under inference_mode.

`FeatureLoss` compares a frozen encoder's features of the prediction and of the target. Its
author put both encoder passes under `torch.inference_mode()` ("the encoder is frozen, it needs
no autograd"), so the loss it returns carries no graph back to the prediction. Added to a pixel
loss, it would silently contribute nothing; in this fine-tuning stage it is the only loss, and
`loss.backward()` raises "element 0 of tensors does not require grad and does not have a
grad_fn". There is no automatic fix: the prediction's branch must run with gradients (the
frozen encoder still passes the gradient through), only the target's may stay under no_grad.
"""
import torch
import torch.nn.functional as F
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1))
        self.requires_grad_(False)

    def forward(self, x):
        return self.layers(x)


class FeatureLoss(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()

    def forward(self, sr, hr):
        with torch.inference_mode():
            features_sr = self.encoder(sr)
            features_hr = self.encoder(hr)
        return F.l1_loss(features_sr, features_hr)


def make_pairs(count=4, seed=0):
    generator = torch.Generator().manual_seed(seed)
    pairs = []
    for _ in range(count):
        hr = torch.rand(4, 3, 16, 16, generator=generator)
        lr = F.avg_pool2d(hr, 2)
        pairs.append((lr, hr))
    return pairs


def fine_tune(model, criterion, optimizer, pairs):
    for lr, hr in pairs:
        sr = model(lr)
        loss = criterion(sr, hr)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear"), nn.Conv2d(3, 3, 3, padding=1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    fine_tune(model, FeatureLoss(), optimizer, make_pairs())
    return {name: p.grad for name, p in model.named_parameters()}


if __name__ == "__main__":
    print(sorted(main()))
