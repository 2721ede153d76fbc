"""Twin: the critic's own TD target (no copy of it) is detached in the step that trains it:
the usual semi-gradient target, silent."""
import torch

from models import Critic, features


class Learner:
    def __init__(self, obs_dim, gamma=0.99):
        self.critic = Critic(obs_dim)
        self.optimizer = torch.optim.SGD(self.critic.parameters(), lr=1e-2)
        self.gamma = gamma

    def update(self, obs, rewards, next_obs):
        target = rewards + self.gamma * self.critic(features(next_obs)).detach()
        loss = ((self.critic(features(obs)) - target) ** 2).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
