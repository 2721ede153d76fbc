"""A GAN's training loop with a gradient penalty (an interpolate made with `requires_grad=True`,
part of the training step) draws a grid of samples every N steps: the generator runs once per
target label with gradients on and the grid is read through `.data` for the image file, so those
graphs are thrown away. The penalty does not make the loop "want gradients" for the grid."""
import torch
from torch import autograd, nn
from torchvision.utils import save_image


def gradient_penalty(critic_out, x_hat):
    grad = autograd.grad(critic_out.sum(), x_hat, create_graph=True)[0]
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


class Solver:
    def __init__(self, generator: nn.Module, critic: nn.Module):
        self.G, self.D = generator, critic
        self.g_optimizer = torch.optim.Adam(self.G.parameters(), 1e-4)
        self.d_optimizer = torch.optim.Adam(self.D.parameters(), 1e-4)

    def train(self, loader, fixed_images, fixed_labels, steps, sample_every=1000):
        for step, (real, labels) in zip(range(steps), loader):
            fake = self.G(real, labels)
            alpha = torch.rand(real.size(0), 1, 1, 1)
            x_hat = torch.tensor(alpha * real + (1 - alpha) * fake.detach(), requires_grad=True)
            d_loss = self.D(fake.detach()).mean() - self.D(real).mean() + 10 * gradient_penalty(self.D(x_hat), x_hat)
            self.d_optimizer.zero_grad()
            d_loss.backward()
            self.d_optimizer.step()
            g_loss = -self.D(self.G(real, labels)).mean()
            self.g_optimizer.zero_grad()
            g_loss.backward()
            self.g_optimizer.step()
            if (step + 1) % sample_every == 0:
                grid = [fixed_images]
                for label in fixed_labels:
                    grid.append(self.G(fixed_images, label))  # expect: NG101@33
                save_image(torch.cat(grid, dim=3).data.cpu(), f"samples/{step + 1}.png")
