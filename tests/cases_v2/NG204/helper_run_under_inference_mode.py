"""Self-training: a plain helper (no decorator of its own) labels the unlabelled batch inside the
caller's `with torch.inference_mode():`, and another makes the perturbed view there. Whatever a
function makes in inference mode is an inference tensor, wherever the mode was entered: the
student's forward pass saves the view, and the loss saves the labels."""
import torch
import torch.nn.functional as F
from torch import nn


class Student(nn.Module):
    def __init__(self, width=16, classes=4):
        super().__init__()
        self.body = nn.Linear(width, width)
        self.out = nn.Linear(width, classes)

    def forward(self, x):
        return self.out(self.body(x).relu())


def guess_labels(model, x):
    return model(x).softmax(-1).argmax(-1)


def perturb(x, scale):
    return x + scale * torch.randn_like(x)


def self_train(model, opt, batches):
    for x in batches:
        with torch.inference_mode():
            targets = guess_labels(model, x)
            noisy = perturb(x, 0.1)
        loss = F.cross_entropy(model(noisy), targets)  # expect: NG204@38, NG204@46
        opt.zero_grad()
        loss.backward()
        opt.step()
