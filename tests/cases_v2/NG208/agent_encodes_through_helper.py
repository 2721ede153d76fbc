"""The encoder runs inside a helper method of the agent (`aug_and_encode`); the base agent calls it
with gradients on for `obs` (correct: only the bootstrap `next_obs` under `no_grad`), the subclass
calls it under `no_grad` for both, and `update_critic` steps `self.encoder_opt` (built from the
encoder's parameters, when observations are pixels): NG208 in the subclass only."""
import torch
import torch.nn.functional as F
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(8, 4)

    def forward(self, obs):
        return self.net(obs)


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(5, 1)

    def forward(self, obs, action):
        return self.q(torch.cat([obs, action], -1))


class Agent:
    def __init__(self, obs_type, lr=1e-3):
        if obs_type == "pixels":
            self.aug = nn.Identity()
            self.encoder = Encoder()
        else:
            self.aug = nn.Identity()
            self.encoder = nn.Identity()
        self.critic = Critic()
        if obs_type == "pixels":
            self.encoder_opt = torch.optim.Adam(self.encoder.parameters(), lr=lr)
        else:
            self.encoder_opt = None
        self.critic_opt = torch.optim.Adam(self.critic.parameters(), lr=lr)

    def aug_and_encode(self, obs):
        obs = self.aug(obs)
        return self.encoder(obs)

    def update_critic(self, obs, action, reward, next_obs, step):
        with torch.no_grad():
            target_q = reward + 0.99 * self.critic(next_obs, action)
        q1 = self.critic(obs, action)
        critic_loss = F.mse_loss(q1, target_q)
        if self.encoder_opt is not None:
            self.encoder_opt.zero_grad(set_to_none=True)
        self.critic_opt.zero_grad()
        critic_loss.backward()
        self.critic_opt.step()
        if self.encoder_opt is not None:
            self.encoder_opt.step()
        return {"critic_loss": critic_loss.item()}

    def update(self, batch, step):
        metrics = dict()
        obs, action, reward, next_obs = batch
        obs = self.aug_and_encode(obs)
        with torch.no_grad():
            next_obs = self.aug_and_encode(next_obs)
        metrics.update(self.update_critic(obs, action, reward, next_obs, step))
        return metrics


class Sub(Agent):
    def update(self, batch, step):
        metrics = dict()
        obs, action, reward, next_obs = batch
        with torch.no_grad():
            obs = self.aug_and_encode(obs)  # expect: NG208@19
            next_obs = self.aug_and_encode(next_obs)
        metrics.update(self.update_critic(obs, action, reward, next_obs, step))
        return metrics
