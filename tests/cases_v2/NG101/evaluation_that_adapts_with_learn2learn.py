"""Meta-RL evaluation adapts a copy of the policy on each test task with learn2learn
(`learner.adapt(loss)`: MAML's inner step, a gradient of the loss) before it measures the reward:
the evaluation needs gradients, silent, however its name reads (a development-set false finding,
`evaluate_vpg`). Twin: `evaluate_without_adapting` runs the copied policy only, NG101."""
from copy import deepcopy

import learn2learn as l2l
import torch


def fast_adapt(task, learner, steps):
    for _ in range(steps):
        states, actions, returns = task.sample(learner)
        log_probs = learner(states).log_softmax(-1).gather(1, actions)
        loss = -(log_probs * returns).mean()
        learner.adapt(loss)
    return learner


def evaluate(tasks, policy, steps):
    rewards = []
    for task in tasks:
        learner = fast_adapt(task, deepcopy(policy), steps)
        rewards.append(task.rollout(learner).sum().item())
    return sum(rewards) / len(rewards)


def evaluate_vpg(tasks, policy):
    return evaluate(tasks, policy, steps=1)


def evaluate_without_adapting(tasks, policy):
    rewards = []
    for task in tasks:
        states = task.reset()
        actions = policy(states).argmax(-1)  # expect: NG101@19
        rewards.append(task.step(actions).sum().item())
    return sum(rewards) / len(rewards)


def build(policy):
    return l2l.algorithms.MAML(policy, lr=0.1)
