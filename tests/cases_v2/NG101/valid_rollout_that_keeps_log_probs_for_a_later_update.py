"""REINFORCE: the worker is given the agent, whose `act` keeps a log-probability for the update
after the episode. The graph outlives `act`, so the rollout needs gradients, whatever its name."""
import torch
from torch import nn


class PolicyNet(nn.Module):
    def __init__(self, n_obs, n_actions):
        super().__init__()
        self.body = nn.Linear(n_obs, n_actions)

    def forward(self, obs):
        return torch.softmax(self.body(obs), dim=-1)


class Memory:
    def __init__(self):
        self.log_probs = []
        self.rewards = []


class Agent:
    def __init__(self, n_obs, n_actions):
        self.net = PolicyNet(n_obs, n_actions)
        self.memory = Memory()
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=1e-2)

    def act(self, obs):
        probs = self.net(torch.as_tensor(obs, dtype=torch.float32))
        self.memory.log_probs.append(torch.log(probs.max()))
        return int(probs.argmax())

    def finish_episode(self):
        loss = -torch.stack(self.memory.log_probs).sum() * sum(self.memory.rewards)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.memory.log_probs.clear()
        self.memory.rewards.clear()


class Worker:
    def __init__(self, env, agent):
        self.env = env
        self.agent = agent

    def generate_episode(self, steps):
        obs = self.env.reset()
        for _ in range(steps):
            action = self.agent.act(obs)
            obs, reward, done = self.env.step(action)
            self.agent.memory.rewards.append(reward)
            if done:
                break


class Runner:
    def __init__(self, env):
        self.agent = Agent(4, 2)
        self.worker = Worker(env, self.agent)

    def run(self, episodes):
        for _ in range(episodes):
            self.worker.generate_episode(100)
            self.agent.finish_episode()
