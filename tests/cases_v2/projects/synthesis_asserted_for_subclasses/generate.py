"""Draws images from one of the generators (the fix is a `with torch.no_grad():` here)."""
import sys

import numpy as np

from zoo.progressive import ProgressiveGenerator
from zoo.style import StyleGenerator


def generate_images(kind, count):
    if kind == "progressive":
        generator = ProgressiveGenerator()
    else:
        generator = StyleGenerator()
    codes = np.random.randn(count, 16).astype(np.float32)
    images = []
    for batch in generator.batches(codes):
        outputs = generator.easy_synthesize(batch)  # expect: NG101@19
        images.extend(outputs["image"])
    return images


if __name__ == "__main__":
    print(len(generate_images(sys.argv[1], 32)))
