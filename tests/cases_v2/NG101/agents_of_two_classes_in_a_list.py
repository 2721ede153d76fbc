import torch
import torch.nn as nn


class Actor(nn.Module):
    def __init__(self, obs_dim, act_dim):
        super().__init__()
        self.fc = nn.Linear(obs_dim, act_dim)

    def forward(self, obs):
        return torch.tanh(self.fc(obs))


class DeterministicAgent:
    def __init__(self, obs_dim, act_dim):
        self.actor = Actor(obs_dim, act_dim)

    def choose_action(self, obs):
        obs = torch.as_tensor(obs, dtype=torch.float32).unsqueeze(0)
        return self.actor(obs).data.numpy().flatten()


class TwinDelayedAgent:
    def __init__(self, obs_dim, act_dim):
        self.actor = Actor(obs_dim, act_dim)
        self.actor_target = Actor(obs_dim, act_dim)

    def choose_action(self, obs):
        obs = torch.as_tensor(obs, dtype=torch.float32).unsqueeze(0)
        return self.actor(obs).data.numpy().flatten()


class Runner:
    def __init__(self, algorithm, n_agents, obs_dim, act_dim):
        if algorithm == "ddpg":
            self.agents = [DeterministicAgent(obs_dim, act_dim) for _ in range(n_agents)]
        elif algorithm == "td3":
            self.agents = [TwinDelayedAgent(obs_dim, act_dim) for _ in range(n_agents)]
        else:
            raise ValueError(algorithm)

    def evaluate_policy(self, env, episodes):
        total = 0.0
        for _ in range(episodes):
            observations = env.reset()
            done = False
            while not done:
                actions = [agent.choose_action(obs) for agent, obs in zip(self.agents, observations)]  # expect: NG101@28
                observations, rewards, done, _ = env.step(actions)
                total += rewards[0]
        return total / episodes

    def evaluate_leader(self, env, episodes):
        total = 0.0
        for _ in range(episodes):
            observations = env.reset()
            done = False
            while not done:
                action = self.agents[0].choose_action(observations[0])  # expect: NG101@26
                observations, rewards, done, _ = env.step([action])
                total += rewards[0]
        return total / episodes
