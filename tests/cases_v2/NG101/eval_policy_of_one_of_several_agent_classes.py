"""The script builds one of two agent classes (plain objects holding an actor network) and hands
it to an evaluation loop. Each class has its own `select_action`, and both run the actor and keep
only the numbers: every step of every evaluation episode records a graph and throws it away."""
import argparse

import numpy as np
import torch
import torch.nn as nn


class Actor(nn.Module):
    def __init__(self, state_dim, action_dim):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(state_dim, 64), nn.ReLU(), nn.Linear(64, action_dim), nn.Tanh())

    def forward(self, state):
        return self.net(state)


class DeterministicAgent:
    def __init__(self, state_dim, action_dim):
        self.actor = Actor(state_dim, action_dim)

    def select_action(self, state):
        state = torch.FloatTensor(state.reshape(1, -1))
        return self.actor(state).cpu().data.numpy().flatten()


class NoisyAgent:
    def __init__(self, state_dim, action_dim, sigma=0.1):
        self.actor = Actor(state_dim, action_dim)
        self.sigma = sigma

    def select_action(self, state):
        state = torch.FloatTensor(state.reshape(1, -1))
        action = self.actor(state).cpu().data.numpy().flatten()
        return action + self.sigma * np.random.randn(*action.shape)


def eval_policy(policy, env, episodes=10):
    total = 0.0
    for _ in range(episodes):
        state, done = env.reset(), False
        while not done:
            action = policy.select_action(np.array(state))  # expect: NG101@22
            state, reward, done, _ = env.step(action)
            total += reward
    return total / episodes


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--noisy", action="store_true")
    args = parser.parse_args()
    from envs import make_env

    env = make_env()
    if args.noisy:
        policy = NoisyAgent(3, 1)
    else:
        policy = DeterministicAgent(3, 1)
    print(eval_policy(policy, env))
