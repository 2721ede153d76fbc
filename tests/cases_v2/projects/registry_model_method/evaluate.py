"""The model comes from the project's registry, so its class is unknown here; `infer` is a
method only one class of the modules this script imports defines, and it runs forward passes."""
import sys

import torch

import models


def mean_iou(loader, model):
    model.eval()
    total, count = 0.0, 0
    for images, masks in loader:
        pred = torch.sigmoid(model.infer(images))  # expect: NG101@30
        inter = ((pred > 0.5) & (masks > 0.5)).sum().item()
        union = ((pred > 0.5) | (masks > 0.5)).sum().item()
        total, count = total + inter / max(union, 1), count + 1
    return total / max(count, 1)


def inference_only(loader, model):
    with torch.no_grad():
        return [model.infer(images) for images, _ in loader]


if __name__ == "__main__":
    net = models.make({"name": "segmenter"})
    net.load_state_dict(torch.load(sys.argv[1]))
    print(mean_iou(torch.load(sys.argv[2]), net))
