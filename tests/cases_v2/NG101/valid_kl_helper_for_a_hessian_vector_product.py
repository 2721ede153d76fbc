"""TRPO: `kl` runs the actor through a helper that returns its outputs as a tuple, checks
`mu.grad_fn` and returns the KL divergence, which `fisher_vector_product` differentiates twice.
The helper's outputs leave in what `kl` returns: reading `grad_fn` is no probe of values."""
import torch
from torch import nn


class Actor(nn.Module):
    def __init__(self, inputs=8, actions=2):
        super().__init__()
        self.mu = nn.Linear(inputs, actions)
        self.log_std = nn.Parameter(torch.zeros(actions))

    def evaluate(self, obs):
        mu = self.mu(obs)
        return mu, self.log_std.exp()


class Trpo:
    def __init__(self, actor: Actor):
        self.actor = actor

    def evaluate_actions(self, actor, obs):
        mu, std = actor.evaluate(obs)
        return mu, std

    def kl(self, obs):
        mu, std = self.evaluate_actions(self.actor, obs)
        if mu.grad_fn is None:
            return torch.zeros(())
        mu_old, std_old = mu.detach(), std.detach()
        return (torch.log(std / std_old) + (std_old ** 2 + (mu_old - mu) ** 2) / (2 * std ** 2) - 0.5).sum()

    def fisher_vector_product(self, obs, vector):
        grads = torch.autograd.grad(self.kl(obs), self.actor.parameters(), create_graph=True)
        flat = torch.cat([g.view(-1) for g in grads])
        hessian = torch.autograd.grad((flat * vector).sum(), self.actor.parameters())
        return torch.cat([h.contiguous().view(-1) for h in hessian])
