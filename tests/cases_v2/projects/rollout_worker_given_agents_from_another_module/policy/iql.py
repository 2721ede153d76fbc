import torch
from torch import nn


class IQL:
    def __init__(self, n_obs, n_actions):
        self.eval_net = nn.Linear(n_obs, n_actions)
        self.optimizer = torch.optim.Adam(self.eval_net.parameters(), lr=1e-3)
