"""Hard negative: REINFORCE keeps every step's log-probability with its graph and backpropagates
their sum after the episode. The rollout's graph is what the update differentiates: silent."""
import torch
from torch import nn
from torch.distributions import Categorical


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))

    def forward(self, x):
        return self.net(x)


def train(env, episodes, gamma=0.99):
    policy = Policy()
    optimizer = torch.optim.Adam(policy.parameters(), lr=1e-2)
    for episode in range(episodes):
        state = torch.as_tensor(env.reset(), dtype=torch.float32)
        log_probs, rewards = [], []
        done = False
        while not done:
            dist = Categorical(logits=policy(state))
            action = dist.sample()
            log_probs.append(dist.log_prob(action))
            obs, reward, done, _ = env.step(action.item())
            rewards.append(reward)
            state = torch.as_tensor(obs, dtype=torch.float32)
        returns = torch.tensor(rewards).flip(0).cumsum(0).flip(0)
        loss = -(torch.stack(log_probs) * returns).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
