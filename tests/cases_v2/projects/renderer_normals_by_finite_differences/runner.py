import numpy as np
import torch

from models.fields import ColorNetwork, SDFNetwork
from models.renderer import Renderer


class Runner:
    def __init__(self):
        self.sdf_network = SDFNetwork()
        self.color_network = ColorNetwork()
        self.renderer = Renderer(self.sdf_network, self.color_network)
        self.optimizer = torch.optim.Adam(list(self.sdf_network.parameters()) + list(self.color_network.parameters()))

    def train_step(self, rays, target):
        out = self.renderer.render(rays)
        loss = (out["color"] - target).abs().mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()

    def validate_image(self, rays, batch_size=512):
        # no `no_grad` here, and the renderer needs none of the graph each batch records
        pixels = []
        for batch in rays.split(batch_size):
            out = self.renderer.render(batch)  # expect: NG101@19
            pixels.append(out["color"].detach().cpu().numpy())
        return np.concatenate(pixels)


if __name__ == "__main__":
    runner = Runner()
    for _ in range(10):
        runner.train_step(torch.rand(256, 3), torch.rand(256, 3))
    print(runner.validate_image(torch.rand(4096, 3)).shape)
