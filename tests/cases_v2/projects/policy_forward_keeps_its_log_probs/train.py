"""Trains the actor-critic of model.py episode by episode."""
import gym
import torch

from model import ActorCritic


def train(episodes=100):
    env = gym.make("LunarLander-v2")
    policy = ActorCritic()
    optimizer = torch.optim.Adam(policy.parameters(), lr=0.02)
    for _ in range(episodes):
        state = env.reset()
        for _ in range(10000):
            action = policy(state)
            state, reward, done, _ = env.step(action)
            policy.rewards.append(reward)
            if done:
                break
        optimizer.zero_grad()
        policy.loss().backward()
        optimizer.step()
        del policy.logprobs[:], policy.state_values[:], policy.rewards[:]
