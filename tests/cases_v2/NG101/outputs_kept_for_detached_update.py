"""A PPO rollout: `act` runs the policy every environment step with gradients on and keeps the
log-probabilities in `buffer.logprobs`; the update reads them only as `torch.stack(...).detach()`
(the ratio needs the old values, not their graphs). Every step's graph is kept until the update
for nothing: NG101 (medium) in `act`, whatever its name."""
import torch
from torch import nn
from torch.distributions import Categorical


class Buffer:
    def __init__(self):
        self.states, self.logprobs, self.rewards = [], [], []

    def clear(self):
        del self.states[:]
        del self.logprobs[:]
        del self.rewards[:]


class Policy(nn.Module):
    def __init__(self, n_obs, n_actions):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_obs, 32), nn.Tanh(), nn.Linear(32, n_actions))

    def act(self, state, buffer):
        dist = Categorical(logits=self.body(state))  # expect: NG101@35
        action = dist.sample()
        buffer.states.append(state)
        buffer.logprobs.append(dist.log_prob(action))
        return action.item()

    def evaluate(self, states, actions):
        dist = Categorical(logits=self.body(states))
        return dist.log_prob(actions), dist.entropy()


def update(policy, buffer, actions, optimizer, clip=0.2):
    old_logprobs = torch.stack(buffer.logprobs).detach()
    states = torch.stack(buffer.states)
    returns = torch.tensor(buffer.rewards)
    for _ in range(4):
        logprobs, entropy = policy.evaluate(states, actions)
        ratio = torch.exp(logprobs - old_logprobs)
        loss = -torch.min(ratio * returns, ratio.clamp(1 - clip, 1 + clip) * returns).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    buffer.clear()
