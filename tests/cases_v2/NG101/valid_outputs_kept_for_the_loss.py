# settings: min_confidence=low
"""Twin of outputs_kept_for_detached_update.py: an actor-critic (A2C) keeps the log-probabilities
and values of the rollout in `self.log_probs` and `self.values` and builds its loss from them
(`torch.stack(self.log_probs)` without `detach`): the graphs are needed, nothing to report."""
import torch
from torch import nn
from torch.distributions import Categorical


class ActorCritic(nn.Module):
    def __init__(self, n_obs, n_actions):
        super().__init__()
        self.actor = nn.Linear(n_obs, n_actions)
        self.critic = nn.Linear(n_obs, 1)
        self.log_probs, self.values, self.rewards = [], [], []

    def act(self, state):
        dist = Categorical(logits=self.actor(state))
        action = dist.sample()
        self.log_probs.append(dist.log_prob(action))
        self.values.append(self.critic(state))
        return action.item()

    def finish_episode(self, optimizer, gamma=0.99):
        returns = torch.tensor(self.rewards)
        values = torch.cat(self.values).squeeze(-1)
        advantage = returns - values.detach()
        loss = -(torch.stack(self.log_probs) * advantage).mean() + (returns - values).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        del self.log_probs[:], self.values[:], self.rewards[:]
