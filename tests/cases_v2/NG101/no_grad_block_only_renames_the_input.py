"""What `Variable(noise, volatile=True)` became when it was ported: a `no_grad` block that only
renames the input, and the forward pass after it, with gradients on. The block says its author
meant the samples to come without a graph, so no caller needs one: NG101 (medium). The twin
below, without the block, is not reported: its output is returned, to callers out of sight."""
import torch


def draw_samples(generator, noise, size):
    with torch.no_grad():
        z = noise
    images = generator(z)  # expect: NG101@14
    return images.view(-1, 3, size, size) * 0.5 + 0.5


def draw_samples_plain(generator, noise, size):
    images = generator(noise)
    return images.view(-1, 3, size, size) * 0.5 + 0.5
