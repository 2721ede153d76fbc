import torch
import torch.nn as nn


class Actor(nn.Module):
    def __init__(self, state_dim, action_dim):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2 * state_dim, 64), nn.ReLU(), nn.Linear(64, action_dim), nn.Tanh())

    def forward(self, state, goal):
        return self.net(torch.cat([state, goal], 1))


class Level:
    def __init__(self, state_dim, action_dim):
        self.actor = Actor(state_dim, action_dim)

    def select_action(self, state, goal):
        state = torch.FloatTensor(state.reshape(1, -1))
        goal = torch.FloatTensor(goal.reshape(1, -1))
        return self.actor(state, goal).detach().numpy().flatten()  # expect: NG101@16


class Hierarchy:
    def __init__(self, levels, state_dim, action_dim):
        self.levels = [Level(state_dim, action_dim) for _ in range(levels)]
        self.reward = 0.0

    def run_level(self, env, i_level, state, goal):
        for _ in range(20):
            action = self.levels[i_level].select_action(state, goal)
            if i_level > 0:
                state = self.run_level(env, i_level - 1, state, action)
            else:
                state, reward, done, _ = env.step(action)
                self.reward += reward
                if done:
                    break
        return state

    def load(self, directory):
        for i, level in enumerate(self.levels):
            level.actor.load_state_dict(torch.load(f"{directory}/actor_{i}.pth"))
