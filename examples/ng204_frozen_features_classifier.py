# nograd-verify: expect NG204
"""A linear classifier trained on features that a frozen CNN computes under torch.inference_mode().

The backbone is frozen, so its features were computed in inference mode "for speed". But the
features are inference tensors, and the classifier's `nn.Linear` must save its input to
compute its weight gradient: its forward pass raises "Inference tensors cannot be saved for
backward". There is no automatic fix: `torch.no_grad()` for the backbone, or a
`features.clone()`, are the author's choice.
"""
import torch
from torch import nn


def make_backbone():
    backbone = nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
    )
    backbone.requires_grad_(False)
    return backbone.eval()


def make_batches(count=4, batch_size=32, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return [(torch.randn(batch_size, 3, 16, 16, generator=generator),
             torch.randint(0, 5, (batch_size,), generator=generator)) for _ in range(count)]


def train_classifier(backbone, classifier, batches, epochs=2):
    optimizer = torch.optim.SGD(classifier.parameters(), lr=0.1)
    criterion = nn.CrossEntropyLoss()
    for _ in range(epochs):
        for images, labels in batches:
            with torch.inference_mode():
                features = backbone(images)
            optimizer.zero_grad()
            loss = criterion(classifier(features), labels)
            loss.backward()
            optimizer.step()


def main():
    torch.manual_seed(0)
    backbone = make_backbone()
    classifier = nn.Linear(32, 5)
    train_classifier(backbone, classifier, make_batches())
    return {name: p.grad for name, p in classifier.named_parameters()}


if __name__ == "__main__":
    print(sorted(main()))
