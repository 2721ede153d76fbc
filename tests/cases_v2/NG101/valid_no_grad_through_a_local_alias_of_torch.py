import numpy as np
import torch
import torch.nn as nn


class Actor(nn.Module):
    def __init__(self, state_dim, action_dim):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(state_dim, 64), nn.ReLU(), nn.Linear(64, action_dim), nn.Tanh())

    def forward(self, state):
        return self.net(state)


def predict_actions(actor, states):
    # the module bound to a short local name: `t.no_grad()` is torch's no_grad
    t = torch
    actor.eval()
    with t.no_grad():
        actions = actor(t.as_tensor(np.asarray(states), dtype=t.float32))
    return actions.numpy()


def main():
    actor = Actor(8, 2)
    print(predict_actions(actor, np.zeros((4, 8))))
