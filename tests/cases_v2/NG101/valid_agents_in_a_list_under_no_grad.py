"""Hard negative: the agents are kept in a list built by a comprehension, and every loop that asks
them for actions runs under `no_grad`. Iterating a list of objects of a class that cannot itself be
iterated gives those objects, so `agent.select_action` is the class's method, and its only callers
disable gradients: nothing to report (it was reported when the loop's `agent` was unknown)."""
import numpy as np
import torch
from torch import nn


class Agent:
    def __init__(self, obs_dim, act_dim):
        self.actor = nn.Sequential(nn.Linear(obs_dim, 64), nn.Tanh(), nn.Linear(64, act_dim))

    def select_action(self, obs, noise):
        pi = self.actor(torch.tensor(obs, dtype=torch.float32)[None])[0]
        return np.clip(pi.cpu().numpy() + noise * np.random.randn(*pi.shape), -1.0, 1.0)


def rollout(env, n_agents, steps):
    agents = [Agent(8, 2) for _ in range(n_agents)]
    obs = env.reset()
    for _ in range(steps):
        with torch.no_grad():
            actions = [agent.select_action(o, 0.1) for agent, o in zip(agents, obs)]
        obs = env.step(actions)[0]
    with torch.no_grad():
        for agent_id, agent in enumerate(agents):
            print(agent_id, agent.select_action(obs[agent_id], 0.0))
