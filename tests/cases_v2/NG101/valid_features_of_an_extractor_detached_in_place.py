"""A feature extractor detaches its own parameters in place when it is built
(`for param in self.parameters(): param.detach_()`): they become leaves that no longer require
grad, so running it on plain batches records nothing: `activations` needs no no_grad, and its
`.detach()` is only habit. (Without the loop the same function records a graph per batch, NG101.)"""
import torch
import torch.nn as nn


class FeatureExtractor(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        for param in self.parameters():
            param.detach_()

    def forward(self, x):
        return self.body(x)


def activations(loader):
    model = FeatureExtractor()
    model.load_state_dict(torch.load("extractor.pt"))
    model.eval()
    features = []
    for batch in loader:
        features.append(model(batch).detach())
    return torch.cat(features)
