# settings: min_confidence=low
"""A Q-learner's target network is a deep copy of the trained one (`copy.deepcopy`: a module like
it, whose parameters still require grad). Its outputs for every time step are collected, stacked
and `.detach()`ed into the TD target of the loss the learner backpropagates: every step records a
graph that the detach throws away; under `no_grad` the target is the same (tests/test_torch_facts.py).
NG101 at the target network's pass, not NG102 (the collected graphs are dropped by that detach)."""
import copy

import torch
from torch import nn


class Learner:
    def __init__(self, net: nn.Module, gamma=0.99):
        self.net = net
        self.target = copy.deepcopy(net)
        self.gamma = gamma
        self.optimiser = torch.optim.RMSprop(net.parameters(), lr=5e-4)

    def train(self, obs, actions, rewards, steps):
        chosen = []
        for t in range(steps):
            chosen.append(self.net(obs[:, t]).gather(1, actions[:, t]))
        target_out = []
        for t in range(steps):
            target_out.append(self.target(obs[:, t + 1]))  # expect: NG101@31
        target_max = torch.stack(target_out, dim=1).max(dim=2)[0]
        targets = rewards + self.gamma * target_max
        td_error = torch.stack(chosen, dim=1).squeeze(-1) - targets.detach()
        loss = (td_error ** 2).mean()
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()

    def update_target(self):
        self.target.load_state_dict(self.net.state_dict())
