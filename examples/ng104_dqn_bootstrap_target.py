# nograd-verify: expect NG104
"""Q-learning with one network whose bootstrapped target keeps its autograd graph.

The target `reward + gamma * max_a Q(next_state, a)` is computed by the network being trained,
with gradients on. The loss then backpropagates through the target as well as through the
prediction: the update is not the semi-gradient Q-learning is defined with, and the target's
forward pass saves its activations for that backward pass. PyTorch's DQN tutorial computes the
next-state values under `torch.no_grad()`.
"""
import torch
from torch import nn
import torch.nn.functional as F


def make_transitions(num_samples=512, num_states=16, num_actions=4, seed=0):
    generator = torch.Generator().manual_seed(seed)
    states = torch.randn(num_samples, num_states, generator=generator)
    actions = torch.randint(num_actions, (num_samples, 1), generator=generator)
    rewards = torch.randn(num_samples, 1, generator=generator)
    next_states = torch.randn(num_samples, num_states, generator=generator)
    done = (torch.rand(num_samples, 1, generator=generator) < 0.1).float()
    return states, actions, rewards, next_states, done


def train(model, optimizer, transitions, gamma=0.99, steps=50):
    states, actions, rewards, next_states, done = transitions
    losses = []
    for step in range(steps):
        q = model(states).gather(1, actions)
        target = rewards + gamma * model(next_states).max(1, keepdim=True)[0] * (1 - done)
        loss = F.smooth_l1_loss(q, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, target


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 4))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    losses, last_target = train(model, optimizer, make_transitions())
    return {"losses": losses, "last_target": last_target}


if __name__ == "__main__":
    print("final loss %.4f" % main()["losses"][-1])
