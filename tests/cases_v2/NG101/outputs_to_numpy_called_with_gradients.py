"""The same undetached conversions with their callers in sight. `act` is called with gradients on,
so `.cpu().numpy()` raises at run time ("Can't call numpy() on Tensor that requires grad"):
`no_grad` fixes it. `numpy(force=True)` detaches first and works, so nothing says that
`act_forced`'s callers disable gradients: it runs its forward pass recording a graph it throws
away."""
import numpy as np
import torch
from torch import nn


class Actor:
    def __init__(self, obs_dim, act_dim, high):
        self.high = high
        self.actor = nn.Sequential(nn.Linear(obs_dim, 64), nn.ReLU(), nn.Linear(64, act_dim), nn.Tanh())

    def act(self, obs):
        pi = self.actor(torch.tensor(obs, dtype=torch.float32)[None])[0]  # expect: NG101@14
        return np.clip(pi.cpu().numpy(), -self.high, self.high)

    def act_forced(self, obs):
        pi = self.actor(torch.tensor(obs, dtype=torch.float32)[None])[0]  # expect: NG101@14
        return np.clip(pi.numpy(force=True), -self.high, self.high)


def rollout(env, actor, steps):
    obs = env.reset()
    for _ in range(steps):
        obs = env.step(actor.act(obs))[0]
    return obs
