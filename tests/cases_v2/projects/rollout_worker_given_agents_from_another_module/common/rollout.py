import numpy as np


class RolloutWorker:
    def __init__(self, env, agents, epsilon):
        self.env = env
        self.agents = agents
        self.epsilon = epsilon

    def run_episode(self, max_steps):
        obs = self.env.reset()
        episode = []
        for _ in range(max_steps):
            if np.random.rand() < self.epsilon:
                action = self.env.sample_action()
            else:
                action = int(self.agents.q_values(obs).argmax())
            next_obs, reward, done = self.env.step(action)
            episode.append((obs, action, reward))
            if done:
                break
            obs = next_obs
        return episode
