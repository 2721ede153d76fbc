"""A test episode puts the agent's actor in eval mode (`agent.actor.eval()`), then asks the agent
for an action at every step; `act` runs `self.actor`, the module the caller switched, and detaches
the action: every step's graph is thrown away (a dev miss: the caller's switch of the object's
field did not reach the method it calls). The twin collects experience for training with the actor
in its default mode and stays silent at the default confidence."""
import torch
from torch import nn


class Actor(nn.Module):
    def __init__(self, state_size, action_size):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(state_size, 64), nn.ReLU(), nn.Linear(64, action_size))

    def get_action(self, state):
        return torch.tanh(self.body(state))


class Agent:
    def __init__(self, state_size, action_size):
        self.actor = Actor(state_size, action_size)

    def act(self, state):
        state = torch.from_numpy(state).float()
        return self.actor.get_action(state).detach()


def play(agent, env):
    agent.actor.eval()
    state = env.reset()
    while True:
        action = agent.act(state)  # expect: NG101@18
        state, reward, done, info = env.step(action.numpy())
        if done:
            break


def collect(agent, env, buffer, steps):
    state = env.reset()
    for _ in range(steps):
        action = agent.act(state)
        next_state, reward, done, info = env.step(action.numpy())
        buffer.append((state, action, reward, next_state, done))
        state = env.reset() if done else next_state
