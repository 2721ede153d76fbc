"""Older code defines a network's `__call__` instead of `forward`: `self.actor(state)` still runs
the module's layers with gradients on. The agent reads only values from its outputs
(`.data.numpy()`) to act: NG101 in `_softmax_action`, medium. Its twin trains on the same
network's outputs: silent."""
import numpy as np
import torch
from torch import nn


class ActorNetwork(nn.Module):
    def __init__(self, state_dim, hidden, actions):
        super().__init__()
        self.fc1 = nn.Linear(state_dim, hidden)
        self.fc2 = nn.Linear(hidden, actions)

    def __call__(self, state):
        return nn.functional.log_softmax(self.fc2(torch.relu(self.fc1(state))), dim=-1)


class Agent:
    def __init__(self, state_dim, actions):
        self.actor = ActorNetwork(state_dim, 32, actions)
        self.optimizer = torch.optim.Adam(self.actor.parameters(), lr=1e-3)

    def _softmax_action(self, state):
        state_var = torch.as_tensor(np.asarray([state]), dtype=torch.float32)
        softmax_action = torch.exp(self.actor(state_var))  # expect: NG101@36
        return softmax_action.data.numpy()[0]

    def action(self, state):
        return int(np.argmax(self._softmax_action(state)))

    def train(self, states, actions, advantages):
        log_probs = (self.actor(states) * actions).sum(1)
        loss = -(log_probs * advantages).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
