# settings: min_confidence=low
"""Modules run under `no_grad` that are not trained, or are also run with gradients on in the
same step: a DQN target computed by the trained network itself, a distillation teacher no
optimizer holds, a BYOL target encoder updated by a moving average, an encoder frozen with
`requires_grad_(False)` whose parameters are in the optimizer anyway, and a forward that
turns gradients back on when the module is tuned."""
import copy

import torch
from torch import nn
import torch.nn.functional as F


def dqn_step(q_net, optimizer, batch, gamma=0.99):
    obs, action, reward, next_obs = batch
    with torch.no_grad():
        target = reward + gamma * q_net(next_obs).max(1).values
    q = q_net(obs).gather(1, action[:, None]).squeeze(1)
    loss = F.smooth_l1_loss(q, target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def distill(student, teacher, loader):
    optimizer = torch.optim.Adam(student.parameters(), lr=1e-3)
    teacher.eval()
    for x, _ in loader:
        with torch.no_grad():
            soft = teacher(x).softmax(-1)
        loss = F.kl_div(student(x).log_softmax(-1), soft, reduction="batchmean")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


class BYOL(nn.Module):
    def __init__(self, online: nn.Module, predictor: nn.Module, tau=0.99):
        super().__init__()
        self.online = online
        self.predictor = predictor
        self.target = copy.deepcopy(online)
        self.target.requires_grad_(False)
        self.tau = tau
        self.optimizer = torch.optim.Adam(list(online.parameters()) + list(predictor.parameters()), lr=3e-4)

    def step(self, view_a, view_b):
        prediction = self.predictor(self.online(view_a))
        with torch.no_grad():
            projection = self.target(view_b)
        loss = 2 - 2 * F.cosine_similarity(prediction, projection, dim=-1).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        with torch.no_grad():
            for online, target in zip(self.online.parameters(), self.target.parameters()):
                target.mul_(self.tau).add_(online, alpha=1 - self.tau)


def probe(backbone, head, loader):
    backbone.requires_grad_(False)
    optimizer = torch.optim.SGD(list(backbone.parameters()) + list(head.parameters()), lr=0.1)
    for x, y in loader:
        with torch.no_grad():
            features = backbone(x)
        loss = F.cross_entropy(head(features), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


class TunableTower(nn.Module):
    def __init__(self, encoder, tune=False):
        super().__init__()
        self.encoder = encoder
        self.tune = tune
        self.encoder.requires_grad_(tune)

    @torch.no_grad()
    def forward(self, x):
        if self.tune:
            with torch.enable_grad():
                return self.encoder(x)
        return self.encoder(x)
