# nograd-verify: expect NG204
"""Inference-mode features fed to a classifier whose first layer saves nothing for backward.

ReLU on an inference tensor outside inference mode makes a normal tensor, and ReLU itself
records nothing (its input does not require grad), so the Linear layer saves a normal tensor:
main() does not raise, and NG204's claim does not hold for this file.
"""
import torch
from torch import nn


def train_classifier(backbone, classifier, images, labels):
    optimizer = torch.optim.SGD(classifier.parameters(), lr=0.1)
    with torch.inference_mode():
        features = backbone(images)
    loss = nn.functional.cross_entropy(classifier(features), labels)
    loss.backward()
    optimizer.step()


def main():
    torch.manual_seed(0)
    backbone = nn.Linear(12, 16).requires_grad_(False)
    classifier = nn.Sequential(nn.ReLU(), nn.Linear(16, 3))
    train_classifier(backbone, classifier, torch.randn(8, 12), torch.randint(0, 3, (8,)))
    return {name: p.grad for name, p in classifier.named_parameters()}
