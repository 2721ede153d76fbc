import torch
import torch.nn as nn
import torch.nn.functional as F


class ActorCritic:
    """A2C: the critic's own TD target is detached in the step that updates the critic (the
    usual semi-gradient target); a pretrained encoder in eval mode, which no optimizer steps,
    run the same way only wastes a graph."""

    def __init__(self, actor: nn.Module, critic: nn.Module, encoder: nn.Module, gamma: float = 0.99):
        self.actor = actor
        self.critic = critic
        self.encoder = encoder.eval()  # pretrained, never stepped
        self.gamma = gamma
        self.actor_optim = torch.optim.Adam(self.actor.parameters(), lr=1e-4)
        self.critic_optim = torch.optim.Adam(self.critic.parameters(), lr=1e-3)

    def update(self, log_prob, pred_value, next_state, reward, done):
        next_value = self.critic(next_state).detach()
        q_value = reward + self.gamma * next_value * (1 - done)
        advantage = q_value - pred_value
        policy_loss = -(advantage.detach() * log_prob).mean()
        value_loss = F.smooth_l1_loss(pred_value, q_value)
        self.actor_optim.zero_grad()
        policy_loss.backward()
        self.actor_optim.step()
        self.critic_optim.zero_grad()
        value_loss.backward()
        self.critic_optim.step()

    def update_from_pixels(self, pred_value, next_pixels, reward, done):
        next_state = self.encoder(next_pixels).detach()  # expect: NG101@22
        next_value = self.critic(next_state).detach()
        value_loss = F.smooth_l1_loss(pred_value, reward + self.gamma * next_value * (1 - done))
        self.critic_optim.zero_grad()
        value_loss.backward()
        self.critic_optim.step()
