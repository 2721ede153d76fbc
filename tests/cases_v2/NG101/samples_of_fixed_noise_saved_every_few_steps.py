"""A GAN training loop saves samples of a fixed noise every `sample_step` steps, after both
training steps: the generator runs with gradients on and its output is only detached (`.data`)
for `save_image`. NG101 at the sampling forward pass (it was reported only when values were read
from the outputs, `.item()`, and missed when they were detached)."""
import torch
import torch.nn.functional as F
from torchvision.utils import save_image


def denorm(x):
    return ((x + 1) / 2).clamp(0, 1)


class Trainer:
    def __init__(self, G, D, loader, z_dim=128, sample_step=100, total_step=1000):
        self.G, self.D, self.loader = G, D, loader
        self.z_dim, self.sample_step, self.total_step = z_dim, sample_step, total_step
        self.g_optimizer = torch.optim.Adam(self.G.parameters(), lr=1e-4)
        self.d_optimizer = torch.optim.Adam(self.D.parameters(), lr=4e-4)

    def train(self):
        fixed_z = torch.randn(64, self.z_dim)
        data_iter = iter(self.loader)
        for step in range(self.total_step):
            real_images, _ = next(data_iter)
            d_out_real = self.D(real_images)
            z = torch.randn(real_images.size(0), self.z_dim)
            fake_images = self.G(z)
            d_out_fake = self.D(fake_images.detach())
            d_loss = F.relu(1.0 - d_out_real).mean() + F.relu(1.0 + d_out_fake).mean()
            self.d_optimizer.zero_grad()
            d_loss.backward()
            self.d_optimizer.step()

            fake_images = self.G(torch.randn(real_images.size(0), self.z_dim))
            g_loss = -self.D(fake_images).mean()
            self.g_optimizer.zero_grad()
            g_loss.backward()
            self.g_optimizer.step()

            if (step + 1) % self.sample_step == 0:
                fake_images = self.G(fixed_z)  # expect: NG101@31
                save_image(denorm(fake_images.data), f"{step + 1}_fake.png")
