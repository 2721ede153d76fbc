import torch
from torch import nn


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(6, 1)

    def forward(self, state, action):
        return self.q(torch.cat([state, action], dim=1))


class Settings:
    lr = 1e-3


class Agent:
    def __init__(self, critic: Critic, other: Critic | Settings, resize: nn.Module):
        self.critic = critic
        self.other = other
        self.resize = resize  # any module: maybe one without parameters
        self.pool = nn.MaxPool2d(2)

    def value_of(self, state, action) -> float:
        """Under no_grad: nothing to report."""
        with torch.no_grad():
            return self.critic(state, action)[0].item()

    def q_of(self, state, action):
        """The graph leaves with the tensor: callers we cannot see may differentiate it."""
        return self.critic(state, action)

    def width(self):
        """Only the shape of the output is read (a dry run for sizes): not reported."""
        return self.critic(torch.zeros(1, 3), torch.zeros(1, 3)).size(1)

    def other_value(self, state, action) -> float:
        """`Critic | Settings`: maybe not a module, and nothing else says it is one."""
        return self.other(state, action)[0].item()

    def loss_value(self, state, action, target) -> float:
        """The loss is backpropagated; `.item()` is only for the log."""
        loss = ((self.critic(state, action) - target) ** 2).mean()
        loss.backward()
        return loss.item()

    def pooled_peak(self, images) -> float:
        """A layer without parameters fed a plain input records nothing."""
        return self.pool(images).max().item()

    def resized(self, images):
        """`resize: nn.Module` may be a transform without parameters: not a sure graph."""
        return self.resize(images.float()).numpy()
