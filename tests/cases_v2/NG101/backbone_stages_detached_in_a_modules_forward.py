"""An edge network trains only its edge layers on features of backbone stages it detaches at once
in `forward` (`x1 = self.stage1(x).detach()`, then `x2 = self.stage2(x1).detach()`): the
stages' parameters still require grad, so each pass records a graph the detach throws away. One
region, NG101 at the first stage; the fix wraps the three statements in `no_grad`. Twins: a
backbone frozen in `__init__` records nothing (`FrozenFeatures`), nor does an embedding given a
weight that requires no grad (`FixedEmbedding`), and a Siamese network whose detached branch is
the author's stop-gradient, its encoder trained through the other branch (`Siamese`): silent."""
import math

import torch
import torch.nn as nn


class EdgeNet(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.stage1 = nn.Sequential(backbone.conv1, backbone.bn1, backbone.relu, backbone.layer1)
        self.stage2 = backbone.layer2
        self.stage3 = backbone.layer3
        self.fc_edge1 = nn.Conv2d(256, 32, 1)
        self.fc_edge2 = nn.Conv2d(512, 32, 1)
        self.fc_edge3 = nn.Conv2d(1024, 32, 1)

    def forward(self, x):
        x1 = self.stage1(x).detach()  # expect: NG101@14
        x2 = self.stage2(x1).detach()
        x3 = self.stage3(x2).detach()
        return self.fc_edge1(x1), self.fc_edge2(x2), self.fc_edge3(x3)


class FrozenFeatures(nn.Module):
    def __init__(self, backbone, classes):
        super().__init__()
        self.backbone = backbone
        for param in self.backbone.parameters():
            param.requires_grad = False
        self.head = nn.Linear(2048, classes)

    def forward(self, x):
        features = self.backbone(x).detach()
        return self.head(features)


class Siamese(nn.Module):
    def __init__(self, encoder, dim=2048):
        super().__init__()
        self.encoder = encoder
        self.predictor = nn.Linear(dim, dim)

    def forward(self, x1, x2):
        z1 = self.encoder(x1)
        z2 = self.encoder(x2).detach()
        return self.predictor(z1), z2


class FixedEmbedding(nn.Module):
    def __init__(self, c_in, d_model):
        super().__init__()
        position = torch.arange(0, c_in).float().unsqueeze(1)
        div_term = (torch.arange(0, d_model, 2).float() * -(math.log(10000.0) / d_model)).exp()
        w = torch.zeros(c_in, d_model)
        w[:, 0::2] = torch.sin(position * div_term)
        w[:, 1::2] = torch.cos(position * div_term)
        self.emb = nn.Embedding(c_in, d_model)
        self.emb.weight = nn.Parameter(w, requires_grad=False)

    def forward(self, x):
        return self.emb(x).detach()
