"""Twin: the step is given an optimizer that its caller builds over the critic alone; the critic
runs on the actor's actions under `no_grad` for a baseline the loss reads, which cuts the actor's
graph, but the optimizer stepped does not train the actor: no gradient it needs is lost."""
import torch
from torch import nn


def critic_step(actor, critic, optimizer, obs, returns):
    actions = actor(obs)
    with torch.no_grad():
        baseline = critic(torch.cat([obs, actions], -1))
    values = critic(torch.cat([obs, actions.detach()], -1))
    loss = ((values - returns) ** 2).mean() + ((values - baseline) ** 2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def train(batches):
    actor, critic = nn.Linear(4, 2), nn.Linear(6, 1)
    optimizer = torch.optim.Adam(critic.parameters(), lr=1e-3)
    for obs, returns in batches:
        critic_step(actor, critic, optimizer, obs, returns)
