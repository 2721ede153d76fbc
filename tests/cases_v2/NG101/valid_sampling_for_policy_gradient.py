"""Sampling whose log-probabilities are backpropagated (REINFORCE, self-critical training)."""
import torch


def sample_actions(policy, obs):
    logits = policy(obs)
    dist = torch.distributions.Categorical(logits=logits)
    actions = dist.sample()
    return actions, dist.log_prob(actions)


def greedy_actions(policy, obs):
    return policy(obs).argmax(-1)


def reinforce_step(policy, optimizer, env, obs):
    actions, logp = sample_actions(policy, obs)
    with torch.no_grad():
        baseline = env.reward(obs, greedy_actions(policy, obs))
    advantage = env.reward(obs, actions) - baseline
    loss = -(logp * advantage).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
