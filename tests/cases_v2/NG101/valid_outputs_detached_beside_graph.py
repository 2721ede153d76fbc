# settings: min_confidence=low
"""Twins of outputs_detached_and_dropped.py: a forward pass whose outputs are detached for a log
while the graph itself also feeds a backward pass, one whose detached copy is kept beside the
returned graph, a function that detaches only what a helper hands back, and a filter the
function builds itself."""
import torch
import torch.nn.functional as F
from torchvision.transforms import GaussianBlur


def step(model, optimizer, batch, log):
    logits = model(batch["x"])
    log.append(logits.detach().cpu().numpy())
    loss = F.cross_entropy(logits, batch["y"])
    loss.backward()
    optimizer.step()


def forward_with_snapshot(model, x, snapshots):
    out = model(x)
    snapshots.append(out.detach())
    return out


def snapshot(make_features, x):
    return make_features(x).detach()


def blurred_points(points, shape, sigma):
    """A fixed filter built on the spot and detached defensively: often nothing records a graph."""
    image = torch.zeros(shape)
    image[points] = 1.0
    smooth = GaussianBlur(sigma)
    return smooth(image[None, None]).squeeze().detach()
