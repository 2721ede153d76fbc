import numpy as np
import torch
from torch import nn


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(6, 1)

    def forward(self, state, action):
        return self.q(torch.cat([state, action], dim=1))


class TwinCritic(Critic):
    pass


class Agent:
    """`value_of` keeps only `.item()` of the critic's output: the graph is thrown away whoever
    calls it (the critic is a module whichever class of the annotation it is)."""

    def __init__(self, critic: Critic | TwinCritic, lr: float):
        self.critic = critic
        self.optimiser = torch.optim.Adam(self.critic.parameters(), lr=lr)

    def value_of(self, state: np.ndarray, action: np.ndarray) -> float:
        state_tensor = torch.FloatTensor(state).unsqueeze(0)
        action_tensor = torch.FloatTensor(action).unsqueeze(0)
        q = self.critic(state_tensor, action_tensor)  # expect: NG101@13
        return q[0].item()

    def update(self, states, actions, targets):
        loss = ((self.critic(states, actions) - targets) ** 2).mean()
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()
        return loss.item()
