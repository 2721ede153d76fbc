import gym
import numpy as np

from hac import Hierarchy


def test():
    env = gym.make("MountainCarContinuous-v0")
    agent = Hierarchy(2, env.observation_space.shape[0], env.action_space.shape[0])
    agent.load("./pretrained")
    goal = np.array([0.48, 0.04])
    for episode in range(5):
        agent.reward = 0.0
        state = env.reset()
        agent.run_level(env, 1, state, goal)  # expect: NG101@9
        print(episode, agent.reward)


if __name__ == "__main__":
    test()
