"""The actor's loss is computed by a helper method: it evaluates the critic on the actor's
actions under `no_grad` and returns the objective, which the update backpropagates before it
steps the actor's optimizer. The critic's term gives the actor no gradient; only the action
penalty trains it."""
import torch
import torch.nn as nn


class Agent:
    def __init__(self):
        self.actor = nn.Linear(4, 2)
        self.critic = nn.Linear(6, 1)
        self.actor_optimizer = torch.optim.Adam(self.actor.parameters(), lr=1e-3)

    def actor_loss(self, obs):
        actions = self.actor(obs)
        with torch.no_grad():
            q = self.critic(torch.cat([obs, actions], dim=1))  # expect: NG210@17
        return -q.mean() + 0.01 * actions.pow(2).mean()

    def update(self, obs):
        loss = self.actor_loss(obs)
        self.actor_optimizer.zero_grad()
        loss.backward()
        self.actor_optimizer.step()
        return loss.item()
