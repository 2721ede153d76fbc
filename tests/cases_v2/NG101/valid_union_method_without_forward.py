import torch
import torch.nn as nn


class Wide(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(8, 64)

    def describe(self, state):
        return {"batch": state.shape[0], "width": 64}

    def sample(self, state):
        return self.body(state)


class Narrow(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(8, 4)

    def describe(self, state):
        return {"batch": state.shape[0], "width": 4}

    def sample(self, state):
        return self.body(state)


class Agent:
    def __init__(self, wide):
        self.policy = Wide() if wide else Narrow()

    def report(self, state):
        # neither class's `describe` runs the module: nothing is recorded
        print(self.policy.describe(torch.as_tensor(state)))

    def act(self, state):
        with torch.no_grad():
            action = self.policy.sample(torch.as_tensor(state))
        return action.cpu().numpy()
