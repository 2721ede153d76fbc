import torch
from torch import nn

from zoo.base import BaseGenerator


class StyleGenerator(BaseGenerator):
    def build(self):
        return nn.ModuleDict({"mapping": nn.Linear(16, 16), "synthesis": nn.Linear(16, 64)})

    def synthesize(self, codes):
        styles = self.model["mapping"](torch.from_numpy(codes).float())
        images = self.model["synthesis"](styles)
        return {"z": codes, "w": self.get_value(styles), "image": self.get_value(images)}
