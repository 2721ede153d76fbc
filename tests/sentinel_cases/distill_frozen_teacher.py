"""Distillation with a frozen teacher, in the style of self-supervised training code.

A learnable input adapter feeds both the student and the frozen teacher, so the teacher's
inputs carry a graph: autograd records the teacher's forward and saves its activations, but its
logits are detached as targets and no backward ever reaches them. The perceptual term runs a
frozen feature network on the student's reconstruction, and that one is backpropagated.
"""
import torch
from torch import nn


def frozen(module):
    module.requires_grad_(False)
    return module.eval()


class Adapter(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(dim))
        self.shift = nn.Parameter(torch.zeros(dim))

    def forward(self, x):
        return x * self.scale + self.shift


class Student(nn.Module):
    def __init__(self, dim=24, classes=6):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(dim, 48), nn.ReLU())
        self.classifier = nn.Linear(48, classes)
        self.decoder = nn.Linear(48, dim)

    def forward(self, x):
        hidden = self.encoder(x)
        return self.classifier(hidden), self.decoder(hidden)


def distill_step(adapter, student, teacher, features, optimizer, x, temperature=2.0):
    inputs = adapter(x)
    targets = (teacher(inputs) / temperature).softmax(1).detach()
    logits, reconstruction = student(inputs)
    kd = nn.functional.kl_div((logits / temperature).log_softmax(1), targets, reduction="batchmean")
    perceptual = nn.functional.mse_loss(features(reconstruction), features(x))
    loss = kd + 0.1 * perceptual
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def main(steps=6):
    torch.manual_seed(0)
    teacher = frozen(nn.Sequential(nn.Linear(24, 128), nn.ReLU(), nn.Linear(128, 6)))
    features = frozen(nn.Sequential(nn.Linear(24, 32), nn.Tanh()))
    adapter, student = Adapter(24), Student()
    optimizer = torch.optim.Adam(list(adapter.parameters()) + list(student.parameters()), lr=1e-3)
    generator = torch.Generator().manual_seed(1)
    batches = [torch.randn(32, 24, generator=generator) for _ in range(steps)]
    return [distill_step(adapter, student, teacher, features, optimizer, x) for x in batches]


if __name__ == "__main__":
    print(main())
