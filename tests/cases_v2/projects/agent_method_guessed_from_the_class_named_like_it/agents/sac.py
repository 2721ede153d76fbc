"""An agent class of the project: `act` runs the actor once for an action (its outputs made NumPy
at once: reported in its callers' loops, not here), `update` trains it. `ReplayBuffer.sample`
runs no model."""
import numpy as np
import torch
from torch import nn


class Actor(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(4, 2)

    def forward(self, obs):
        return torch.tanh(self.net(obs))


class SACAgent:
    def __init__(self):
        self.actor = Actor()
        self.actor_optimizer = torch.optim.Adam(self.actor.parameters())

    def act(self, obs):
        obs = torch.as_tensor(obs).unsqueeze(0)
        action = self.actor(obs)
        return action.cpu().numpy()[0]

    def update(self, obs):
        loss = -self.actor(obs).mean()
        self.actor_optimizer.zero_grad()
        loss.backward()
        self.actor_optimizer.step()


class ReplayBuffer:
    def __init__(self, size):
        self.items = np.zeros((size, 4))

    def sample(self, count):
        return self.items[np.random.randint(0, len(self.items), count)]
