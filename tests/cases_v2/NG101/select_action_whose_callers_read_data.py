"""A rollout helper runs the policy network with gradients on and returns the sampled action,
graph and all; the rollout loop, its only caller, reads it through `.data` for the environment.
Every caller throws the graph away: the policy has parameters, so each step's graph is waste.
REINFORCE's twin keeps the log-probability for the loss: its caller differentiates it. A helper that
builds its own kernel and runs it once is a fixed filter, whatever its callers do with the result."""
import torch
from torch import nn


class Policy(nn.Module):
    def __init__(self, inputs, actions):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(inputs, 64), nn.Tanh())
        self.mean = nn.Linear(64, actions)
        self.log_std = nn.Parameter(torch.zeros(actions))

    def forward(self, state):
        return self.mean(self.body(state)), self.log_std.exp()


policy = Policy(8, 2)


def select_action(state):
    mean, std = policy(torch.from_numpy(state).unsqueeze(0))  # expect: NG101@17
    return torch.normal(mean, std)


def act_with_log_prob(state):
    mean, std = policy(torch.from_numpy(state).unsqueeze(0))
    distribution = torch.distributions.Normal(mean, std)
    action = distribution.sample()
    return action, distribution.log_prob(action).sum()


def rollout(env, steps):
    state = env.reset()
    for _ in range(steps):
        action = select_action(state)
        state, reward, done, _ = env.step(action.data[0].numpy())
        if done:
            state = env.reset()


def reinforce(env, optimizer, steps, gamma=0.99):
    state, log_probs, rewards = env.reset(), [], []
    for _ in range(steps):
        action, log_prob = act_with_log_prob(state)
        state, reward, done, _ = env.step(action[0].numpy())
        log_probs.append(log_prob)
        rewards.append(reward)
        if done:
            break
    returns = torch.tensor([sum(gamma ** k * r for k, r in enumerate(rewards[i:])) for i in range(len(rewards))])
    loss = -(torch.stack(log_probs) * returns).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def kernel_profile(size):
    kernel = nn.Conv1d(1, 1, 3, padding=1)
    return kernel(torch.linspace(0, 1, size).view(1, 1, -1))


def describe(size):
    return kernel_profile(size).squeeze().tolist()
