"""Hard negative: the rollout draws with `rsample()`, which differentiates the policy, and the
drawn actions go straight into the loss the update backpropagates; the values kept for the
baseline are detached after the loop, but the actions' graph is used: silent."""
import torch
from torch import nn
from torch.distributions import Normal


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.mu = nn.Linear(3, 1)
        self.v = nn.Linear(3, 1)

    def forward(self, x):
        return self.mu(x), self.v(x)


def train(model_env, steps, rounds):
    policy = Policy()
    optimizer = torch.optim.Adam(policy.parameters(), lr=1e-3)
    for _ in range(rounds):
        state = model_env.reset()
        actions, values = [], []
        for _ in range(steps):
            mu, value = policy(state)
            action = Normal(mu, 0.1).rsample()
            actions.append(action)
            values.append(value)
            state = model_env.step(state, action)
        baseline = torch.stack(values).detach()
        loss = -(model_env.reward(torch.stack(actions)) - baseline).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
