# settings: min_confidence=low
"""Twin of agent_encodes_without_grad.py: `obs` is encoded with gradients on (the encoder
learns through the critic's loss), only `next_obs` (the bootstrap target) under `no_grad`; the
target critic, updated by an exponential moving average, runs under `no_grad` and no optimizer
holds it; the actor update detaches the features and does not step the encoder's optimizer."""
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


class Actor(nn.Module):
    def __init__(self, repr_dim, action_dim):
        super().__init__()
        self.policy = nn.Linear(repr_dim, action_dim)

    def forward(self, obs):
        return torch.tanh(self.policy(obs))


class Agent:
    def __init__(self, repr_dim, action_dim, lr=1e-4, tau=0.01):
        self.encoder = Encoder()
        self.actor = Actor(repr_dim, action_dim)
        self.critic = Critic(repr_dim, action_dim)
        self.critic_target = Critic(repr_dim, action_dim)
        self.critic_target.load_state_dict(self.critic.state_dict())
        self.encoder_opt = torch.optim.Adam(self.encoder.parameters(), lr=lr)
        self.actor_opt = torch.optim.Adam(self.actor.parameters(), lr=lr)
        self.critic_opt = torch.optim.Adam(self.critic.parameters(), lr=lr)
        self.tau = tau

    def update_critic(self, obs, action, reward, discount, next_obs):
        with torch.no_grad():
            target_q = reward + discount * self.critic_target(next_obs, self.actor(next_obs))
        q = self.critic(obs, action)
        critic_loss = F.mse_loss(q, target_q)
        self.encoder_opt.zero_grad(set_to_none=True)
        self.critic_opt.zero_grad(set_to_none=True)
        critic_loss.backward()
        self.critic_opt.step()
        self.encoder_opt.step()
        return {"critic_loss": critic_loss.item()}

    def update_actor(self, obs):
        actor_loss = -self.critic(obs, self.actor(obs)).mean()
        self.actor_opt.zero_grad(set_to_none=True)
        actor_loss.backward()
        self.actor_opt.step()
        return {"actor_loss": actor_loss.item()}

    def update(self, batch):
        obs, action, reward, discount, next_obs = batch
        obs = self.encoder(obs)
        with torch.no_grad():
            next_obs = self.encoder(next_obs)
        metrics = self.update_critic(obs, action, reward, discount, next_obs)
        metrics.update(self.update_actor(obs.detach()))
        with torch.no_grad():
            for p, target in zip(self.critic.parameters(), self.critic_target.parameters()):
                target.data.lerp_(p.data, self.tau)
        return metrics
