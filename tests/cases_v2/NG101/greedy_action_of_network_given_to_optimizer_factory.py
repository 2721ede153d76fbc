"""The agent's network comes from a factory in its config; its parameters are handed to the
config's optimizer factory, so it has trainable parameters and its forward pass records a graph.
`greedy` reads only the argmax of the outputs and runs with gradients on."""
import torch


class Agent:
    def __init__(self, config):
        self.config = config
        self.network = config.network_fn()
        self.optimizer = config.optimizer_fn(self.network.parameters())

    def greedy(self, state):
        q = self.network(state)  # expect: NG101@13
        return q.argmax(-1).tolist()

    def episode(self, env):
        state = env.reset()
        done = False
        while not done:
            state, reward, done, info = env.step(self.greedy(state))
        return reward
