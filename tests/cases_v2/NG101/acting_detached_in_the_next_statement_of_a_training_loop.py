"""An agent's episode loop acts with its policy and trains it in another method: the action is
computed in one statement and only detached in the next, to step the environment. The acting pass
records a graph nothing uses (`update` runs its own pass of the policy on the stored batch):
NG101 at it, as when `.detach()` is chained onto the call."""
import torch
from torch import nn


class Agent:
    def __init__(self, env, policy: nn.Module):
        self.env = env
        self.policy = policy
        self.optimizer = torch.optim.Adam(policy.parameters(), lr=3e-4)
        self.buffer = []

    def update(self):
        obs = torch.stack([o for o, _ in self.buffer])
        returns = torch.tensor([r for _, r in self.buffer])
        loss = ((self.policy(obs).squeeze(-1) - returns) ** 2).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.buffer.clear()

    def run(self, steps=1000):
        obs = torch.as_tensor(self.env.reset(), dtype=torch.float32)
        for _ in range(steps):
            action = self.policy(obs)  # expect: NG101@22
            next_obs, reward, done, _ = self.env.step(action.detach().cpu().numpy())
            self.buffer.append((obs, reward))
            obs = torch.as_tensor(self.env.reset() if done else next_obs, dtype=torch.float32)
            if len(self.buffer) == 64:
                self.update()
