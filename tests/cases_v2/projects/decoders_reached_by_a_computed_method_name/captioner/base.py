import torch.nn as nn


class Captioner(nn.Module):
    """Runs `_<mode>` for the mode its caller names: `model(x, mode="sample")`."""

    def forward(self, *args, **kwargs):
        mode = kwargs.pop("mode", "forward")
        return getattr(self, "_" + mode)(*args, **kwargs)
