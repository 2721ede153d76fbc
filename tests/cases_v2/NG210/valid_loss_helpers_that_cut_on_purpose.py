"""Twins of a loss helper whose cut a caller backpropagates: the helper cuts the target actor's
graph (no optimizer of the update holds it), weighs the policy's log-probabilities by an
advantage computed under `no_grad` from the actor's own output (a stop-gradient on purpose), or
is called under the caller's `no_grad` for evaluation (nothing records a graph, nothing is
backpropagated); and a helper whose cut the update backpropagates after freezing the critic
with `requires_grad_(False)` instead."""
import torch
import torch.nn as nn


class Agent:
    def __init__(self):
        self.actor = nn.Linear(4, 2)
        self.actor_target = nn.Linear(4, 2)
        self.critic = nn.Linear(6, 1)
        self.actor_optimizer = torch.optim.Adam(self.actor.parameters(), lr=1e-3)

    def target_loss(self, obs):
        target_actions = self.actor_target(obs)
        with torch.no_grad():
            q = self.critic(torch.cat([obs, target_actions], dim=1))
        return (self.actor(obs) - target_actions.detach()).pow(2).mean() - q.mean()

    def weighted_loss(self, obs):
        mean = self.actor(obs)
        with torch.no_grad():
            advantage = self.critic(torch.cat([obs, mean], dim=1))
        return -(advantage * mean.sum(dim=1, keepdim=True)).mean()

    def frozen_critic_loss(self, obs):
        actions = self.actor(obs)
        self.critic.requires_grad_(False)
        q = self.critic(torch.cat([obs, actions], dim=1))
        self.critic.requires_grad_(True)
        return -q.mean()

    def update(self, obs):
        loss = self.target_loss(obs) + self.weighted_loss(obs) + self.frozen_critic_loss(obs)
        self.actor_optimizer.zero_grad()
        loss.backward()
        self.actor_optimizer.step()

    def score(self, obs):
        with torch.no_grad():
            return self.weighted_loss(obs).item()
