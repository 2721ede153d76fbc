# settings: min_confidence=low
"""Twin of no_grad_method_in_forward.py: the `no_grad` helper's result only goes to statistics
kept on the module, it is given the raw observation only, or it may hand its input back unchanged:
nothing to report."""
import torch
from torch import nn


class Actor(nn.Module):
    def __init__(self, n_obs, n_act):
        super().__init__()
        self.fc = nn.Linear(n_obs, 2 * n_act)
        self.stats = {}

    def forward(self, state):
        loc, scale_log = self.fc(self.normalize(state)).chunk(2, -1)
        action = torch.tanh(loc + torch.randn_like(loc) * scale_log.exp())
        self.stats["entropy"] = self.entropy(scale_log)
        return action

    @torch.no_grad()
    def entropy(self, scale_log):
        return scale_log.sum(-1).mean()

    @torch.no_grad()
    def normalize(self, state):
        return (state - state.mean(0)) / (state.std(0) + 1e-6)


class Clipped(nn.Module):
    """A `no_grad` helper that may return its input unchanged: that input keeps its graph
    (torch does not cut what it is handed back), so the rule does not claim a cut."""

    def __init__(self, n_obs, n_act):
        super().__init__()
        self.fc = nn.Linear(n_obs, n_act)

    def forward(self, state, bound=None):
        return self.clip(self.fc(state), bound)

    @torch.no_grad()
    def clip(self, y, bound):
        if bound is None:
            return y
        return y.clamp(-bound, bound)
