from diffusion import Sampler

__all__ = ["Ancestral"]


class Ancestral(Sampler):
    """Nothing in this file names a model or a grad-mode context: the denoiser is a field of the
    base class, called here under a name that is no model's."""

    def inference_step(self, x, t):
        out = self.denoiser(x, t)  # expect: NG101@15
        return out.detach()

    def sample(self, shape):
        x = self.noise_like(shape)
        for t in reversed(range(self.steps)):
            x = x - self.inference_step(x, t) / self.steps
        return x
