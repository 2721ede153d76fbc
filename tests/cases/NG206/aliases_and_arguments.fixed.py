import torch as T
from torch import inference_mode, nn


class Whiten(nn.Module):
    def __init__(self, projection):
        super().__init__()
        self.register_buffer("projection", projection)

    @T.no_grad()  # expect: NG206@6
    def forward(self, x):
        return x @ self.projection


class Features(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone.eval()

    @T.no_grad()  # expect: NG206@6
    def forward(self, images):
        return self.backbone(images).flatten(1)


class Probe(nn.Module):
    def __init__(self, backbone, projection, classes):
        super().__init__()
        self.features = Features(backbone)
        self.whiten = Whiten(projection)
        self.head = nn.Linear(512, classes)

    def forward(self, images):
        return self.head(self.whiten(self.features(images)))
