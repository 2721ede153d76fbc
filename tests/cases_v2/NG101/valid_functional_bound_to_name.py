# settings: min_confidence=low
import torch
import torch.nn.functional as F


def erode_all(masks, spatial_dims=3):
    """`conv` is a torch function picked by dimension, whatever its name: masks carry no graph
    and no parameter takes part, so nothing is recorded."""
    conv = F.conv2d if spatial_dims == 2 else F.conv3d
    kernel = torch.ones((1, 1) + (3,) * spatial_dims)
    out = []
    for mask in masks:
        out.append((conv(mask.float(), kernel, padding=1) == kernel.sum()).tolist())
    return out
