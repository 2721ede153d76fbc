"""Twins: helpers called inside `with torch.inference_mode():` that make nothing the training step
saves: a view of the caller's normal tensor (`narrow`, `unsqueeze`: views of a normal tensor
stay normal), a buffer kept on the model, labels as a Python list, and labels cloned outside
inference mode before the loss reads them."""
import torch
import torch.nn.functional as F
from torch import nn


class Student(nn.Module):
    def __init__(self, width=16, classes=4):
        super().__init__()
        self.body = nn.Linear(width, width)
        self.out = nn.Linear(width, classes)
        self.register_buffer("anchors", torch.zeros(classes, width))

    def forward(self, x):
        return self.out(self.body(x).relu())

    def anchor_points(self):
        return self.anchors


def first_half(x):
    return x.narrow(-1, 0, x.size(-1) // 2).unsqueeze(0)


def guess_labels(model, x):
    return model(x).argmax(-1)


def guess_label_list(model, x):
    return model(x).argmax(-1).tolist()


def self_train(model, opt, batches):
    for x in batches:
        with torch.inference_mode():
            half = first_half(x)
            anchors = model.anchor_points()
            listed = guess_label_list(model, x)
            targets = guess_labels(model, x)
        targets = targets.clone()
        loss = F.cross_entropy(model(anchors), torch.tensor(listed[: anchors.size(0)]))
        loss = loss + F.cross_entropy(model(x), targets) + model.body(half.repeat(1, 1, 2)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
