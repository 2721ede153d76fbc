import numpy as np
import torch
import torch.nn as nn


class Agent:
    """Acts in the environment in `run`, and trains the policy in `update` on the stored batch,
    with a forward pass of its own: the acting passes' graphs are never used."""

    def __init__(self, env, eval_mode=False):
        self.env = env
        self.eval_mode = eval_mode
        self.policy = nn.Sequential(nn.Linear(4, 32), nn.Tanh(), nn.Linear(32, 2))
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=3e-4)
        self.buffer = []

    def update(self):
        obs = torch.tensor(np.array([o for o, _, _ in self.buffer]), dtype=torch.float32)
        returns = torch.tensor([r for _, _, r in self.buffer], dtype=torch.float32)
        loss = (self.policy(obs).sum(-1) - returns).pow(2).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.buffer = []

    def run(self, max_steps):
        obs = self.env.reset()
        total = 0.0
        for _ in range(max_steps):
            if self.eval_mode:
                action = self.policy(torch.as_tensor(obs, dtype=torch.float32))  # expect: NG101@26
                action = action.detach().numpy()
                obs, reward, done, _ = self.env.step(action)
            else:
                action = self.policy(torch.as_tensor(obs, dtype=torch.float32))  # expect: NG101@26
                action = action.detach().numpy()
                next_obs, reward, done, _ = self.env.step(action)
                self.buffer.append((obs, action, reward))
                if len(self.buffer) == 64:
                    self.update()
                obs = next_obs
            total += reward
            if done:
                break
        return total
