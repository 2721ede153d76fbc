import torch
import torch.nn.functional as F
from torch import nn

from agents.base import Agent


class ContrastiveAgent(Agent):
    """Adds a contrastive skill loss; its `update` encodes both observations under `no_grad`,
    unlike the base class, so the encoder (whose optimizer `update_critic` steps) never learns."""

    def __init__(self, repr_dim, action_dim, skill_dim, lr=1e-4):
        super().__init__(repr_dim, action_dim, lr=lr)
        self.projector = nn.Linear(2 * repr_dim, skill_dim)
        self.projector_opt = torch.optim.Adam(self.projector.parameters(), lr=lr)

    def update_projector(self, obs, next_obs, skill):
        logits = self.projector(torch.cat([obs, next_obs], dim=-1))
        loss = F.cross_entropy(logits, skill)
        self.projector_opt.zero_grad()
        loss.backward()
        self.projector_opt.step()
        return {"projector_loss": loss.item()}

    def update(self, batch):
        obs, action, reward, discount, next_obs, skill = batch
        with torch.no_grad():
            obs = self.encoder(obs)  # expect: NG208@19
            next_obs = self.encoder(next_obs)
        metrics = self.update_projector(obs, next_obs, skill)
        metrics.update(self.update_critic(obs, action, reward, discount, next_obs))
        return metrics
