import torch
import torch.nn.functional as F
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.convnet = nn.Sequential(nn.Conv2d(3, 32, 3, stride=2), nn.ReLU(), nn.Flatten())

    def forward(self, obs):
        return self.convnet(obs / 255.0 - 0.5)


class Critic(nn.Module):
    def __init__(self, repr_dim, action_dim):
        super().__init__()
        self.q = nn.Sequential(nn.Linear(repr_dim + action_dim, 256), nn.ReLU(), nn.Linear(256, 1))

    def forward(self, obs, action):
        return self.q(torch.cat([obs, action], dim=-1))


class Agent:
    def __init__(self, repr_dim, action_dim, lr=1e-4):
        self.encoder = Encoder()
        self.critic = Critic(repr_dim, action_dim)
        self.critic_target = Critic(repr_dim, action_dim)
        self.critic_target.load_state_dict(self.critic.state_dict())
        self.encoder_opt = torch.optim.Adam(self.encoder.parameters(), lr=lr)
        self.critic_opt = torch.optim.Adam(self.critic.parameters(), lr=lr)

    def update_critic(self, obs, action, reward, discount, next_obs):
        with torch.no_grad():
            target_q = reward + discount * self.critic_target(next_obs, action)
        q = self.critic(obs, action)
        critic_loss = F.mse_loss(q, target_q)
        self.encoder_opt.zero_grad(set_to_none=True)
        self.critic_opt.zero_grad(set_to_none=True)
        critic_loss.backward()
        self.critic_opt.step()
        self.encoder_opt.step()
        return {"critic_loss": critic_loss.item()}

    def update(self, batch):
        obs, action, reward, discount, next_obs = batch
        obs = self.encoder(obs)
        with torch.no_grad():
            next_obs = self.encoder(next_obs)
        return self.update_critic(obs, action, reward, discount, next_obs)
