"""ComfyUI nodes: the executor runs the method a node class names in `FUNCTION`, with the inputs
its `INPUT_TYPES` declares, inside `torch.inference_mode()` (execution.py, `PromptExecutor.execute`):
the sampler and the helper it calls record nothing, silent."""
import torch


def preview_steps(model, latent, steps):
    shown = []
    for _ in range(steps):
        latent = latent - 0.1 * model(latent)
        shown.append(latent.mean().item())
    return shown


class IterativeSampler:
    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"model": ("MODEL",), "steps": ("INT", {"default": 20})}}

    RETURN_TYPES = ("LATENT", "FLOAT")
    FUNCTION = "sample"
    CATEGORY = "sampling"

    def sample(self, model, steps):
        model.eval()
        latent = torch.randn(1, 4, 64, 64)
        for _ in range(steps):
            noise = model(latent)
            latent = latent - 0.1 * noise
        return ({"samples": latent.cpu()}, preview_steps(model, latent, 4))
