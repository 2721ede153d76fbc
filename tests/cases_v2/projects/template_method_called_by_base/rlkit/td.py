import numpy as np
import torch
from torch import nn

from rlkit.algorithm import Algorithm, GuardedAlgorithm


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(6, 1)

    def forward(self, state, action):
        return self.q(torch.cat([state, action], dim=1))


class TD(Algorithm):
    """`Algorithm.bias` calls `_value` for every step of an episode with gradients on: the
    critic's graph is built and thrown away each time (only `.item()` leaves)."""

    def __init__(self, critic: Critic, gamma: float):
        super().__init__(gamma)
        self.critic = critic
        self.optimiser = torch.optim.Adam(self.critic.parameters(), lr=1e-3)

    def _value(self, state: np.ndarray, action: np.ndarray) -> float:
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


class GuardedTD(GuardedAlgorithm):
    """Its base runs `_score` under no_grad: silent."""

    def __init__(self, critic: Critic):
        self.critic = critic

    def _score(self, state: np.ndarray) -> float:
        state_tensor = torch.FloatTensor(state).unsqueeze(0)
        return self.critic(state_tensor, state_tensor).item()
