"""A squashed-Gaussian actor whose `forward` returns the log-probability of its sampled action
from a helper decorated with `@torch.no_grad()`: the actor loss of SAC backpropagates through
that log-probability (the entropy term), but it carries no graph, so `self.fc` gets no gradient
through it. NG208 (medium) at the helper's decorator."""
import torch
from torch import nn


class Actor(nn.Module):
    def __init__(self, n_obs, n_act):
        super().__init__()
        self.fc = nn.Linear(n_obs, 2 * n_act)

    def forward(self, state):
        loc, scale_log = self.fc(state).chunk(2, -1)
        action = torch.tanh(loc + torch.randn_like(loc) * scale_log.exp())
        return action, self.log_prob(state, action)

    @torch.no_grad()  # expect: NG208@6
    def log_prob(self, state, action):
        loc, scale_log = self.fc(state).chunk(2, -1)
        r = (torch.atanh(action) - loc) / scale_log.exp()
        return (-(r ** 2) / 2 - scale_log - (1 - action ** 2 + 1e-6).log()).sum(-1, keepdim=True)
