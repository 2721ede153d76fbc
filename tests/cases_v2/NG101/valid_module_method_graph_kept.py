import torch
import torch.nn as nn


class Gaussian(nn.Module):
    def __init__(self):
        super().__init__()
        self.mean = nn.Linear(8, 2)

    def forward(self, state):
        return self.mean(state)

    def sample(self, state):
        mean = self.forward(state)
        return torch.tanh(mean + torch.randn_like(mean)), mean


class Agent:
    def __init__(self):
        self.policy = Gaussian()
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=1e-3)

    def act(self, state):
        # the action keeps its graph: the caller backpropagates through it
        action, _ = self.policy.sample(state)
        return action

    def log_action(self, state):
        # values are read, but the module's method is called under no_grad
        with torch.no_grad():
            action, _ = self.policy.sample(state)
        print(action.mean().item())

    def update(self, states):
        loss = self.act(states).pow(2).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
