import torch
import torch.nn as nn


class GaussianDiffusion(nn.Module):
    def __init__(self, denoiser, steps=50):
        super().__init__()
        self.denoiser = denoiser
        self.steps = steps

    @torch.no_grad()
    def sample(self, batch):
        z = torch.randn(batch, 8)
        for _ in range(self.steps):
            z = z - self.denoiser(z) / self.steps
        return z

    @torch.no_grad()
    def sample_ddim(self, batch):
        z = torch.randn(batch, 8)
        for _ in range(self.steps // 5):
            z = z - 5 * self.denoiser(z) / self.steps
        return z

    def sample_all(self, total, batch, ddim=False):
        # the sampler is chosen as a bound method: both choices open their own no_grad
        sample_fn = self.sample_ddim if ddim else self.sample
        chunks = []
        for _ in range(total // batch):
            chunks.append(sample_fn(batch))
        return torch.cat(chunks)
