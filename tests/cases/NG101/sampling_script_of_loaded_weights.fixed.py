import torch
from torch import nn
from torchvision import utils


class Generator(nn.Module):
    def __init__(self, latent=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 3 * 32 * 32), nn.Tanh())

    def forward(self, z):
        return self.net(z).view(-1, 3, 32, 32)


generator = Generator()
generator.load_state_dict(torch.load("generator.pt"))

mean_image = None
with torch.no_grad():
    for _ in range(10):
        sample = generator(torch.randn(256, 64))  # expect: NG101@14

        if mean_image is None:
            mean_image = sample.mean(0)
        else:
            mean_image += sample.mean(0)

    mean_image /= 10

    utils.save_image(generator(torch.randn(64, 64)), "samples.png", nrow=8)
utils.save_image(mean_image, "mean.png")
