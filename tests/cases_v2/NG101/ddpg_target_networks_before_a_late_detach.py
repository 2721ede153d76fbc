# settings: min_confidence=low
"""DDPG's critic update: the target actor's and the target critic's passes on the next states
(deep copies, their parameters still requiring grad) build the TD target, which is detached only
where the loss is formed. Both passes record graphs nobody uses; one `no_grad` around the two
statements gives the same target: one NG101 (low), at the first pass. The actor update, which
differentiates through the online critic, is training."""
import copy

import torch
import torch.nn.functional as F
from torch import nn


class DDPG:
    def __init__(self, actor: nn.Module, critic: nn.Module, gamma: float = 0.99, tau: float = 0.005):
        self.actor, self.critic = actor, critic
        self.actor_target = copy.deepcopy(actor)
        self.critic_target = copy.deepcopy(critic)
        self.actor_optimizer = torch.optim.Adam(actor.parameters(), lr=1e-4)
        self.critic_optimizer = torch.optim.Adam(critic.parameters(), lr=1e-3)
        self.gamma, self.tau = gamma, tau

    def train_step(self, state, action, reward, next_state, not_done):
        next_action = self.actor_target(next_state)  # expect: NG101@23
        target_q = self.critic_target(next_state, next_action)
        target_q = reward + not_done * self.gamma * target_q
        critic_loss = F.mse_loss(self.critic(state, action), target_q.detach())
        self.critic_optimizer.zero_grad()
        critic_loss.backward()
        self.critic_optimizer.step()

        actor_loss = -self.critic(state, self.actor(state)).mean()
        self.actor_optimizer.zero_grad()
        actor_loss.backward()
        self.actor_optimizer.step()

        for param, target_param in zip(self.critic.parameters(), self.critic_target.parameters()):
            target_param.data.copy_(self.tau * param.data + (1 - self.tau) * target_param.data)
