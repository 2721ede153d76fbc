"""An actor-critic whose `forward` samples an action, appends the log-probability and the
state value to the module's own lists and returns the action as a number; the episode loop
steps the environment with it, and the update after the episode backpropagates through the
kept log-probabilities: every step's graph is used (the environment's return carries none)."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Categorical


class ActorCritic(nn.Module):
    def __init__(self):
        super().__init__()
        self.affine = nn.Linear(8, 128)
        self.action_layer = nn.Linear(128, 4)
        self.value_layer = nn.Linear(128, 1)
        self.logprobs = []
        self.state_values = []
        self.rewards = []

    def forward(self, state):
        state = F.relu(self.affine(torch.from_numpy(state).float()))
        distribution = Categorical(F.softmax(self.action_layer(state), dim=-1))
        action = distribution.sample()
        self.logprobs.append(distribution.log_prob(action))
        self.state_values.append(self.value_layer(state))
        return action.item()

    def loss(self, gamma=0.99):
        returns, running = [], 0.0
        for reward in reversed(self.rewards):
            running = reward + gamma * running
            returns.insert(0, running)
        returns = torch.tensor(returns)
        total = 0
        for logprob, value, ret in zip(self.logprobs, self.state_values, returns):
            total = total - logprob * (ret - value.item()) + F.smooth_l1_loss(value.squeeze(), ret)
        return total


