import torch
import torch.nn as nn


class Gaussian(nn.Module):
    def __init__(self):
        super().__init__()
        self.mean = nn.Linear(8, 2)
        self.log_std = nn.Linear(8, 2)

    def sample(self, state):
        mean = self.mean(state)
        return mean + self.log_std(state).exp() * torch.randn_like(mean), mean


class Deterministic(nn.Module):
    def __init__(self):
        super().__init__()
        self.mean = nn.Linear(8, 2)

    def sample(self, state):
        mean = self.mean(state)
        return mean, mean


class Agent:
    def __init__(self, stochastic):
        # one of two classes: each has its own `sample`, and both run the module forward
        self.policy = Gaussian() if stochastic else Deterministic()
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=1e-3)

    def act(self, state):
        action, _ = self.policy.sample(torch.as_tensor(state).unsqueeze(0))  # expect: NG101@21
        return action.detach().cpu().numpy()[0]

    def mean_action(self, state):
        # a submodule both classes have (not a method of either): its call is a forward pass
        mean = self.policy.mean(torch.as_tensor(state))  # expect: NG101@16
        return mean.detach().cpu().numpy()

    def update(self, states):
        action, mean = self.policy.sample(states)
        loss = (action ** 2).mean() + mean.pow(2).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
