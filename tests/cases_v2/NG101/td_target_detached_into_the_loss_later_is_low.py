# settings: min_confidence=low
"""A DQN update computes its TD target from a network the code syncs through a helper (not
recognised as a copy) in one statement and detaches it in the next, into the loss. The pass records
a graph the detach throws away, but that is a training step's target, which reviewers disagree
about (a recognised target network's pass is low too): NG101 at low confidence only."""
import torch
import torch.nn.functional as F
from torch import nn


def hard_update(source: nn.Module, target: nn.Module):
    for s, t in zip(source.parameters(), target.parameters()):
        t.data.copy_(s.data)


class DQN:
    def __init__(self, q: nn.Module, q_target: nn.Module, gamma=0.99):
        self.q, self.q_target, self.gamma = q, q_target, gamma
        hard_update(self.q, self.q_target)
        self.optimizer = torch.optim.Adam(q.parameters(), lr=1e-3)

    def update(self, obs, actions, rewards, next_obs, dones):
        q_values = self.q(obs).gather(1, actions).squeeze(1)
        next_q = self.q_target(next_obs)  # expect: NG101@18
        target = rewards + self.gamma * (1 - dones) * next_q.detach().max(1)[0]
        loss = F.smooth_l1_loss(q_values, target)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
