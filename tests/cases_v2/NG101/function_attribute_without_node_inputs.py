"""A class that names a method in `FUNCTION` but declares no `INPUT_TYPES` is no ComfyUI node: no
executor runs it in inference mode, and its evaluation loop is reported."""
import torch


class Sampler:
    FUNCTION = "sample"

    def sample(self, model, steps):
        model.eval()
        latent = torch.randn(1, 4, 64, 64)
        for _ in range(steps):
            noise = model(latent)  # expect: NG101@21
            latent = latent - 0.1 * noise
        return latent.cpu()
