"""The twin: the same loop under `no_grad`."""
import numpy as np
import torch

from zoo.progressive import ProgressiveGenerator
from zoo.style import StyleGenerator


def preview_images(kind, count):
    generator = ProgressiveGenerator() if kind == "progressive" else StyleGenerator()
    codes = np.random.randn(count, 16).astype(np.float32)
    images = []
    with torch.no_grad():
        for batch in generator.batches(codes):
            images.extend(generator.easy_synthesize(batch)["image"])
    return images
