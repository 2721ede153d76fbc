"""Hard negative: methods nothing in sight calls turn their forward passes' outputs into NumPy
arrays without detaching them (`.cpu().numpy()`, `np.asarray`). torch raises there on a tensor that
requires grad, so this code works only where its callers disable gradients, the critic in eval mode
included: nothing to report."""
import numpy as np
import torch
from torch import nn


class Actor:
    def __init__(self, obs_dim, act_dim, high):
        self.high = high
        self.actor = nn.Sequential(nn.Linear(obs_dim, 64), nn.ReLU(), nn.Linear(64, act_dim), nn.Tanh())
        self.critic = nn.Sequential(nn.Linear(obs_dim + act_dim, 64), nn.ReLU(), nn.Linear(64, 1))
        self.critic.eval()

    def act(self, obs, noise_rate):
        inputs = torch.tensor(obs, dtype=torch.float32).unsqueeze(0)
        pi = self.actor(inputs).squeeze(0)
        u = pi.cpu().numpy()
        u += noise_rate * self.high * np.random.randn(*u.shape)
        return np.clip(u, -self.high, self.high)

    def value(self, obs, action):
        both = torch.cat([torch.as_tensor(obs), torch.as_tensor(action)], dim=-1)
        q = self.critic(both)
        return np.asarray(q)[0]
