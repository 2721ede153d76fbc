import functools

import torch
import torch.nn as nn


def smart_inference_mode(mode=True):
    """inference mode on, or (mode=False) inference mode off with gradients still disabled"""

    def decorate(fn):
        if not mode:
            @functools.wraps(fn)
            def disable(*args, **kwargs):
                with torch.inference_mode(False), torch.no_grad():  # the later item wins: no gradients
                    return fn(*args, **kwargs)

            return disable
        return torch.inference_mode()(fn)

    return decorate


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 8))

    @smart_inference_mode()
    def encode(self, x):
        return self.net(x)

    @smart_inference_mode(False)
    def encode_plain(self, x):
        return self.net(x)


def embed(encoder, images):
    encoder.eval()
    return encoder.encode(images).cpu().numpy(), encoder.encode_plain(images).cpu().numpy()
