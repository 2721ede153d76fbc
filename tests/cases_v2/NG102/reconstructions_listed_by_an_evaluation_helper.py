"""A VAE trainer dumps reconstructions for a picture: the helper runs the model on a few images,
keeps each reconstruction in a list, and saves their stacked values. The list keeps every
graph until the helper returns (NG102's shape), but all of them come from the forward passes
NG101 reports in the helper, whose `no_grad` fixes both: NG101 alone, although NG102 would be
more confident than NG101 here."""
import torch
from torchvision.utils import save_image


class VAETrainer:
    def __init__(self, model, dataset, size):
        self.model = model
        self.dataset = dataset
        self.size = size
        self.optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_batch(self, images):
        recon, mu, logvar = self.model(images)
        loss = (recon - images).pow(2).mean() - 0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def dump_reconstructions(self, indices, path):
        images, reconstructions = [], []
        for i in indices:
            image = torch.as_tensor(self.dataset[i])
            recon, *_ = self.model(image.view(1, -1))  # expect: NG101@25
            images.append(image.view(3, self.size, self.size))
            reconstructions.append(recon.view(3, self.size, self.size))
        grid = torch.stack(images + reconstructions)
        save_image(grid.data, path, nrow=len(indices))
