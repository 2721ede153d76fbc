import torch
from torch import nn

from zoo.base import BaseGenerator


class ProgressiveGenerator(BaseGenerator):
    def build(self):
        return nn.Sequential(nn.Linear(16, 64), nn.Tanh())

    def synthesize(self, codes):
        images = self.model(torch.from_numpy(codes).float())
        return {"z": codes, "image": self.get_value(images)}
