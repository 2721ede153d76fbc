"""The evaluation helpers are decorated with a no_grad wrapper that `from helpers import *`
binds: they evaluate without gradients (no NG101), and a `no_grad` block inside one is redundant."""
import torch
import torch.nn.functional as F

from helpers import *


@make_nograd_func
def test_sample(model, images, labels):
    model.eval()
    logits = model(images)
    return F.cross_entropy(logits, labels).item()


@make_nograd_func
def predictions(model, batches):
    model.eval()
    with torch.no_grad():  # expect: NG301@10
        return [model(images).argmax(1).tolist() for images in batches]


def train(model, batches, test_batches, epochs):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(epochs):
        model.train()
        for images, labels in batches:
            opt.zero_grad()
            F.cross_entropy(model(images), labels).backward()
            opt.step()
        print(sum(test_sample(model, x, y) for x, y in test_batches))
    return predictions(model, [x for x, _ in test_batches])
