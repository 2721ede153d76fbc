import torch
from torch import nn


class VDN:
    def __init__(self, n_obs, n_actions):
        self.eval_net = nn.Sequential(nn.Linear(n_obs, 64), nn.ReLU(), nn.Linear(64, n_actions))
        self.optimizer = torch.optim.RMSprop(self.eval_net.parameters(), lr=5e-4)
