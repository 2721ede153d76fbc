import numpy as np
import torch
import torch.nn as nn


class Policy(nn.Module):
    def __init__(self, obs_dim, act_dim):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(obs_dim, 32), nn.Tanh(), nn.Linear(32, act_dim))

    def forward(self, x):
        return torch.tanh(self.body(x.float()))


def evaluate_network(nn, env):
    obs = env.reset()
    total = 0.0
    while True:
        out = nn(torch.tensor(obs))  # expect: NG101@15
        obs, reward, done, _ = env.step(np.clip(out.data.numpy(), -1, 1))
        total += reward
        if done:
            return total


def report(env, obs_dim, act_dim, path):
    policy = Policy(obs_dim, act_dim)
    policy.load_state_dict(torch.load(path))
    print("test reward:", evaluate_network(policy, env))
