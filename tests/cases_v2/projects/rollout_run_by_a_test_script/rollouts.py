import gymnasium as gym
import torch
from torch import nn


class Controller(nn.Module):
    def __init__(self, latent=8, hidden=16, actions=3):
        super().__init__()
        self.encoder = nn.Linear(96, latent)
        self.cell = nn.GRUCell(latent + actions, hidden)
        self.head = nn.Linear(latent + hidden, actions)


class RolloutGenerator:
    """Runs the controller in the environment; the hidden state goes from step to step."""

    def __init__(self, path, time_limit):
        self.controller = Controller()
        self.controller.load_state_dict(torch.load(path))
        self.env = gym.make("CarRacing-v2")
        self.time_limit = time_limit

    def act(self, obs, hidden):
        latent = self.controller.encoder(obs)  # expect: NG101@18
        action = self.controller.head(torch.cat([latent, hidden], dim=1))
        hidden = self.controller.cell(torch.cat([latent, action], dim=1), hidden)
        return action.squeeze().cpu().numpy(), hidden

    def rollout(self):
        obs, _ = self.env.reset()
        hidden = torch.zeros(1, 16)
        total = 0.0
        for _ in range(self.time_limit):
            action, hidden = self.act(torch.as_tensor(obs, dtype=torch.float32).view(1, -1), hidden)
            obs, reward, done, truncated, _ = self.env.step(action)
            total += reward
            if done or truncated:
                break
        return -total
