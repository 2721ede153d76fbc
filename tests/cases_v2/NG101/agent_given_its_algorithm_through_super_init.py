"""A reinforcement-learning library splits an agent in two: the algorithm holds the Q-network,
the agent holds the algorithm, and both store what they are given in a base class's `__init__`,
reached through `super().__init__(...)` (the agent spells it `super(GreedyAgent, self)`, and its
base passes the algorithm one class further up). Where the agent is built with `DQN(QNet(), ...)`,
the fields the bases store as given hold what the subclasses pass up: the agent's `self.alg` is
that `DQN`, whose `self.model` is the `QNet`. So the agent's acting call, `self.alg.predict(obs)`,
resolves to `DQN.predict`, and its only caller detaches the output at once: NG101 (medium) at the
Q-network's forward. Before, neither field was known past `super().__init__` and only the
method's name spoke (low). The twin, `DQN.q_values`, is what the agent's `learn` differentiates
for its TD loss (silent)."""
import torch
from torch import nn


class QNet(nn.Module):
    def __init__(self, observations, actions):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(observations, 64), nn.ReLU(), nn.Linear(64, actions))

    def forward(self, obs):
        return self.layers(obs)


class Algorithm:
    def __init__(self, model):
        self.model = model


class DQN(Algorithm):
    def __init__(self, model, lr):
        super().__init__(model)
        self.optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    def predict(self, obs):
        return self.model(obs)  # expect: NG101@16

    def q_values(self, obs, actions):
        return self.model(obs).gather(1, actions.unsqueeze(1)).squeeze(1)


class AgentBase:
    def __init__(self, algorithm):
        self.alg = algorithm


class Agent(AgentBase):
    def __init__(self, algorithm):
        assert isinstance(algorithm, Algorithm)
        super().__init__(algorithm)
        self.training = True


class GreedyAgent(Agent):
    def __init__(self, algorithm, actions):
        super(GreedyAgent, self).__init__(algorithm)
        self.actions = actions

    def act(self, obs):
        q = self.alg.predict(torch.as_tensor(obs, dtype=torch.float32)).detach().numpy()
        return int(q.argmax())

    def learn(self, obs, actions, targets):
        loss = nn.functional.mse_loss(self.alg.q_values(obs, actions), targets)
        self.alg.optimizer.zero_grad()
        loss.backward()
        self.alg.optimizer.step()
        return loss.item()


def play(env, steps):
    agent = GreedyAgent(DQN(QNet(4, 2), 1e-3), 2)
    obs = env.reset()
    for _ in range(steps):
        obs, reward, done, _ = env.step(agent.act(obs))
        if done:
            obs = env.reset()
