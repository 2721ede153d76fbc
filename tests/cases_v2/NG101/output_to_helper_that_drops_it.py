import torch
from torch import nn
from torchvision.utils import save_image


class GAN:
    """`train` passes a sample of the generator to `save_grid`, which only detaches it for
    images: the graph built for the sample is never used (the generator is trained by
    `optimize_generator`, with its own forward pass)."""

    def __init__(self):
        self.gen = nn.Linear(8, 16)
        self.dis = nn.Linear(16, 1)

    @staticmethod
    def save_grid(samples, files):
        samples = list(map(lambda x: torch.clamp(x.detach() / 2 + 0.5, 0, 1), samples))
        for sample, name in zip(samples, files):
            save_image(sample, name)

    def optimize_generator(self, optimizer, noise):
        loss = -self.dis(self.gen(noise)).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    def train(self, loader, gen_optim, fixed, files):
        for i, batch in enumerate(loader):
            self.optimize_generator(gen_optim, torch.randn(4, 8))
            if i % 100 == 0:
                self.save_grid(self.gen(fixed), files)  # expect: NG101@32
