import torch
import torch.nn as nn

from rl.losses import actor_loss, critic_probe


def train(steps):
    actor = nn.Linear(4, 2)
    critic = nn.Linear(6, 1)
    optimizer = torch.optim.Adam(actor.parameters(), lr=1e-3)
    for _ in range(steps):
        obs = torch.randn(8, 4)
        loss = actor_loss(actor, critic, obs)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            actions = actor(obs)
        print(critic_probe(critic, obs, actions).item())
