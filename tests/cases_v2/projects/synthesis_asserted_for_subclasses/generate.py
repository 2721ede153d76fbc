"""Draws images from the generator (the fix is a `with torch.no_grad():` here)."""
import numpy as np

from zoo.progressive import ProgressiveGenerator


def generate_images(count):
    generator = ProgressiveGenerator()
    codes = np.random.randn(count, 16).astype(np.float32)
    images = []
    for start in range(0, count, 8):
        images.extend(generator.easy_synthesize(codes[start:start + 8])["image"])  # expect: NG101@23
    return images


if __name__ == "__main__":
    print(len(generate_images(32)))
