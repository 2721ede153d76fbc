import torch
import torch.nn as nn
from torch.distributions import Categorical


class Agent:
    """Actor-critic acting: the log-probability of each action keeps its graph in the buffer, and
    `update` backpropagates through it: the acting passes' graphs are used."""

    def __init__(self, env):
        self.env = env
        self.policy = nn.Sequential(nn.Linear(4, 32), nn.Tanh(), nn.Linear(32, 2))
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=3e-4)
        self.buffer = []

    def update(self):
        log_probs = torch.stack([lp for lp, _ in self.buffer])
        returns = torch.tensor([r for _, r in self.buffer])
        loss = -(log_probs * returns).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.buffer = []

    def run(self, max_steps):
        obs = self.env.reset()
        for _ in range(max_steps):
            logits = self.policy(torch.as_tensor(obs, dtype=torch.float32))
            dist = Categorical(logits=logits)
            action = dist.sample()
            obs, reward, done, _ = self.env.step(action.item())
            self.buffer.append((dist.log_prob(action), reward))
            if done:
                self.update()
                obs = self.env.reset()
