# nograd-verify: expect NG101
"""A PPO rollout that records every step's graph and throws it away after the loop.

Each environment step runs the policy with gradients on and keeps its value and log-probability
in lists; only after the rollout are they stacked and `.detach()`ed, as the constants of the
update. Every step's graph stays alive until then and is never used: the update runs the policy
again on the whole batch. The sampled actions carry no graph (`Categorical.sample()` draws
without one).
"""
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Categorical


class Policy(nn.Module):
    def __init__(self, observations=8, actions=4, hidden=256):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(observations, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.pi = nn.Linear(hidden, actions)
        self.v = nn.Linear(hidden, 1)

    def forward(self, x):
        h = self.body(x)
        return self.pi(h), self.v(h).squeeze(-1)


class RandomWalk:
    """A deterministic toy environment: the action nudges a state vector."""

    def __init__(self, envs=64, observations=8, seed=0):
        self.generator = torch.Generator().manual_seed(seed)
        self.state = torch.randn(envs, observations, generator=self.generator)

    def step(self, action):
        self.state = 0.9 * self.state + 0.1 * torch.randn(self.state.shape, generator=self.generator)
        self.state[:, 0] += (action.float() - 1.5) * 0.05
        return self.state.clone(), -self.state.pow(2).mean(dim=1)


def train(policy, env, rounds=2, steps=64, epochs=2, clip=0.2):
    optimizer = torch.optim.Adam(policy.parameters(), lr=1e-3)
    state = env.state.clone()
    for _ in range(rounds):
        states, actions, log_probs, values, rewards = [], [], [], [], []
        for _ in range(steps):
            logits, value = policy(state)
            dist = Categorical(logits=logits)
            action = dist.sample()
            states.append(state)
            actions.append(action)
            log_probs.append(dist.log_prob(action))
            values.append(value)
            state, reward = env.step(action)
            rewards.append(reward)
        states, actions = torch.cat(states), torch.cat(actions)
        old_log_probs = torch.cat(log_probs).detach()
        values = torch.cat(values).detach()
        returns = torch.stack(rewards).flip(0).cumsum(0).flip(0).flatten()
        advantages = returns - values
        for _ in range(epochs):
            logits, value = policy(states)
            ratio = torch.exp(Categorical(logits=logits).log_prob(actions) - old_log_probs)
            clipped = torch.clamp(ratio, 1 - clip, 1 + clip)
            loss = -torch.min(ratio * advantages, clipped * advantages).mean() + F.mse_loss(value, returns)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return policy


def main():
    torch.manual_seed(0)
    policy = train(Policy(), RandomWalk())
    return {name: parameter.detach().clone() for name, parameter in policy.named_parameters()}


if __name__ == "__main__":
    result = main()
    print("trained %d tensors" % len(result))
