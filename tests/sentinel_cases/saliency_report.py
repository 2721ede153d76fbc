"""Saliency maps for a trained classifier, in the style of interpretability notebooks.

Vanilla gradients and integrated gradients backpropagate to the input in eval mode: they need
gradients and are not waste. The report also records each image's baseline confidence with a
plain forward pass, and that one builds a graph nothing uses.
"""
import torch
from torch import nn


class SmallConvNet(nn.Module):
    def __init__(self, classes=4):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                                      nn.AdaptiveAvgPool2d(4), nn.Flatten())
        self.classifier = nn.Linear(8 * 16, classes)

    def forward(self, x):
        return self.classifier(self.features(x))


def vanilla_gradients(model, image, label):
    image = image.clone().requires_grad_(True)
    model(image)[0, label].backward()
    return image.grad.abs().squeeze(0)


def integrated_gradients(model, image, label, steps=8):
    alphas = torch.linspace(0, 1, steps).view(-1, 1, 1, 1)
    path = (alphas * image).requires_grad_(True)
    scores = model(path)[:, label].sum()
    grads, = torch.autograd.grad(scores, path)
    return (image * grads.mean(0, keepdim=True)).squeeze(0)


def confidence(model, image):
    return model(image).softmax(1).max().item()


def explain(model, images, labels):
    model.eval()
    report = []
    for image, label in zip(images, labels):
        image = image.unsqueeze(0)
        report.append({
            "confidence": confidence(model, image),
            "vanilla": vanilla_gradients(model, image, int(label)),
            "integrated": integrated_gradients(model, image, int(label)),
        })
    return report


def main():
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    images = torch.randn(4, 1, 16, 16, generator=generator)
    return explain(SmallConvNet(), images, torch.tensor([0, 1, 2, 3]))


if __name__ == "__main__":
    print([round(r["confidence"], 3) for r in main()])
