# nograd-verify: expect NG208
"""A pretrained-encoder wrapper whose `forward` is decorated with `@torch.no_grad()`.

`VisionTower` wraps an encoder and can be tuned: the training code hands the tower's parameters
to the optimizer as a param group with a smaller learning rate. Its forward pass runs without
gradients, so the captioning loss never reaches it: the head learns, the tower's parameters keep
`.grad is None`, and every optimizer step leaves them unchanged. Nothing raises; `main()` returns
the gradients of every parameter, and the tower's are `None`.
"""
import torch
from torch import nn


class VisionTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                     nn.Flatten())

    @torch.no_grad()
    def forward(self, images):
        return self.encoder(images)


class Classifier(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.tower = VisionTower()
        self.head = nn.Linear(8, num_classes)

    def forward(self, images):
        return self.head(self.tower(images))


def make_data(num_samples=64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    images = torch.randn(num_samples, 3, 16, 16, generator=generator)
    labels = torch.randint(0, 4, (num_samples,), generator=generator)
    return images, labels


def main():
    torch.manual_seed(0)
    images, labels = make_data()
    model = Classifier()
    optimizer = torch.optim.AdamW([{"params": model.tower.parameters(), "lr": 1e-4},
                                   {"params": model.head.parameters(), "lr": 1e-2}])
    for _ in range(5):
        loss = nn.functional.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {name: p.grad for name, p in model.named_parameters()}


if __name__ == "__main__":
    print({name: grad is None for name, grad in main().items()})
