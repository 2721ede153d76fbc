"""The rollout worker is given the agents the runner built (`Worker(env, self.agents)`): its
`self.agents` is that object, so its loop runs `q_values`, whose graph it throws away."""
import torch
from torch import nn


class QNet(nn.Module):
    def __init__(self, n_obs, n_actions):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_obs, 64), nn.ReLU(), nn.Linear(64, n_actions))

    def forward(self, obs):
        return self.body(obs)


class Agents:
    def __init__(self, n_obs, n_actions):
        self.q = QNet(n_obs, n_actions)

    def q_values(self, obs):
        return self.q(torch.as_tensor(obs, dtype=torch.float32))  # expect: NG101@16


class Worker:
    def __init__(self, env, agents):
        self.env = env
        self.agents = agents

    def collect(self, steps):
        obs = self.env.reset()
        transitions = []
        for _ in range(steps):
            action = int(self.agents.q_values(obs).argmax())
            next_obs, reward, done = self.env.step(action)
            transitions.append((obs, action, reward, next_obs, done))
            obs = self.env.reset() if done else next_obs
        return transitions


class Runner:
    def __init__(self, env):
        self.agents = Agents(4, 2)
        self.worker = Worker(env, self.agents)

    def run(self, episodes):
        return [self.worker.collect(100) for _ in range(episodes)]
