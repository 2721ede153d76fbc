"""Hard negative: the runner keeps its agents in a list a method of its own builds
(`self.agents = self._make_agents()`), and every loop asking them for actions runs under
`no_grad`. Read once the method is summarised, the field is a list of `Agent` objects, so the
callers of `act` are seen, and they disable gradients: nothing to report."""
import numpy as np
import torch
from torch import nn


class Agent:
    def __init__(self, obs_dim, act_dim):
        self.actor = nn.Sequential(nn.Linear(obs_dim, 64), nn.Tanh(), nn.Linear(64, act_dim))

    def act(self, obs, noise):
        pi = self.actor(torch.as_tensor(obs, dtype=torch.float32)[None])[0]
        return [a + noise * np.random.randn() for a in pi.tolist()]


class Runner:
    def __init__(self, env, n_agents):
        self.env = env
        self.n_agents = n_agents
        self.agents = self._make_agents()

    def _make_agents(self):
        agents = []
        for _ in range(self.n_agents):
            agents.append(Agent(8, 2))
        return agents

    def run(self, steps):
        obs = self.env.reset()
        for _ in range(steps):
            with torch.no_grad():
                actions = [agent.act(o, 0.1) for agent, o in zip(self.agents, obs)]
            obs = self.env.step(actions)[0]
