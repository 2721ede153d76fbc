"""Twins of critic_under_no_grad_in_policy_update.py: an advantage-weighted policy update computes
its weights from the critic on the policy's own reparameterized actions under `no_grad`, and a
value update regresses on a target computed from the trained network's output under `no_grad`.
The weight multiplies the log-likelihood, the target is compared in a loss to a prediction that
carries a graph: constants on purpose (the stop-gradient of AWR, CRR, a TD target), silent."""
import torch
import torch.nn.functional as F
from torch import nn


def update_policy(policy: nn.Module, critic: nn.Module, obs, actions, beta=1.0):
    optimizer = torch.optim.Adam(policy.parameters(), lr=3e-4)
    dist = policy(obs)
    sampled = dist.rsample()
    with torch.no_grad():
        advantage = critic(obs, actions) - critic(obs, sampled)
        weights = torch.exp(advantage / beta).clamp(max=20.0)
    loss = -(dist.log_prob(actions) * weights).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def update_value(value_net: nn.Module, target_head: nn.Module, obs, rewards, gamma=0.99):
    optimizer = torch.optim.Adam(value_net.parameters(), lr=3e-4)
    features = value_net.encoder(obs)
    with torch.no_grad():
        target = rewards + gamma * target_head(features)
    loss = F.mse_loss(value_net.head(features), target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
