# settings: min_confidence=low
"""A DQN agent's loss helper computes the TD target with its target network, a lagged copy of the
online network (`load_state_dict(self.dqn.state_dict())` when built and at every hard update),
put in eval mode and detached into the target of the loss it returns; the update backpropagates
that loss. The target network's pass records a graph the detach throws away: NG101 (low), as a
target network's pass, not as evaluation of a module in eval mode."""
import torch
import torch.nn.functional as F
from torch import nn


class Network(nn.Module):
    def __init__(self, obs_dim, action_dim):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(obs_dim, 128), nn.ReLU(), nn.Linear(128, action_dim))

    def forward(self, x):
        return self.layers(x)


class DQNAgent:
    def __init__(self, obs_dim, action_dim, gamma=0.99):
        self.gamma = gamma
        self.dqn = Network(obs_dim, action_dim)
        self.dqn_target = Network(obs_dim, action_dim)
        self.dqn_target.load_state_dict(self.dqn.state_dict())
        self.dqn_target.eval()
        self.optimizer = torch.optim.Adam(self.dqn.parameters())

    def update_model(self, samples):
        loss = self._compute_dqn_loss(samples)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def _target_hard_update(self):
        self.dqn_target.load_state_dict(self.dqn.state_dict())

    def _compute_dqn_loss(self, samples):
        state, action, reward, next_state, done = samples
        curr_q_value = self.dqn(state).gather(1, action)
        next_q_value = self.dqn_target(next_state).max(dim=1, keepdim=True)[0].detach()  # expect: NG101@24
        target = reward + self.gamma * next_q_value * (1 - done)
        return F.smooth_l1_loss(curr_q_value, target)
