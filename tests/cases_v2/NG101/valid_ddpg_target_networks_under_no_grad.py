"""Twin of ddpg_target_networks_before_a_late_detach.py: the TD target is computed under
`torch.no_grad()`, so the target networks record nothing: silent."""
import copy

import torch
import torch.nn.functional as F
from torch import nn


class DDPG:
    def __init__(self, actor: nn.Module, critic: nn.Module, gamma: float = 0.99):
        self.actor, self.critic = actor, critic
        self.actor_target = copy.deepcopy(actor)
        self.critic_target = copy.deepcopy(critic)
        self.actor_optimizer = torch.optim.Adam(actor.parameters(), lr=1e-4)
        self.critic_optimizer = torch.optim.Adam(critic.parameters(), lr=1e-3)
        self.gamma = gamma

    def train_step(self, state, action, reward, next_state, not_done):
        with torch.no_grad():
            next_action = self.actor_target(next_state)
            target_q = self.critic_target(next_state, next_action)
            target_q = reward + not_done * self.gamma * target_q
        critic_loss = F.mse_loss(self.critic(state, action), target_q)
        self.critic_optimizer.zero_grad()
        critic_loss.backward()
        self.critic_optimizer.step()

        actor_loss = -self.critic(state, self.actor(state)).mean()
        self.actor_optimizer.zero_grad()
        actor_loss.backward()
        self.actor_optimizer.step()
