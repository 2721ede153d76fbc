"""A multi-agent controller keeps one actor network per agent in a list on `self` and runs
`self.actors[i](...)` for each agent's action with gradients on; the only caller, the episode
loop, reads the actions through `.data` for the environment. The actors are built in `__init__`,
not by the method, so they are the trained networks, reached through a subscript: every caller
throws the graph away, so NG101 (medium) at the method, as for `self.actor(...)`. Before, the
subscript hid where the actors come from: the episode loop was reported instead, and nothing when
the loop is a script's top-level code. The twin builds its own filters inside the method and runs
them: a fixed filter, whatever its caller does with the result (silent)."""
import torch
from torch import nn


class Actor(nn.Module):
    def __init__(self, observations, actions):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(observations, 64), nn.ReLU(), nn.Linear(64, actions), nn.Tanh())

    def forward(self, observation):
        return self.net(observation)


class Controller:
    def __init__(self, agents, observations, actions):
        self.actors = [Actor(observations, actions) for _ in range(agents)]
        self.agents = agents
        self.actions = actions

    def select_actions(self, observations):
        actions = torch.zeros(self.agents, self.actions)
        for i in range(self.agents):
            actions[i] = self.actors[i](observations[i].unsqueeze(0)).squeeze(0)  # expect: NG101@26
        return actions.clamp(-1.0, 1.0)

    def smoothed(self, signal):
        filters = [nn.Conv1d(1, 1, 5, padding=2) for _ in range(2)]
        return filters[1](filters[0](signal.view(1, 1, -1)))


def run_episode(env, controller, steps):
    observations = env.reset()
    for _ in range(steps):
        actions = controller.select_actions(observations).data
        observations, rewards, done, _ = env.step(actions.numpy())
        if done:
            observations = env.reset()


def log_rewards(controller, rewards):
    print(controller.smoothed(torch.as_tensor(rewards, dtype=torch.float32)).data)
