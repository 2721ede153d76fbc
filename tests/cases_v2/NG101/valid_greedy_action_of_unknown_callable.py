"""The twin of greedy_action_of_network_given_to_optimizer_factory.py: nothing shows that the
config's `policy_fn` builds a module with parameters (no optimizer over it, no weights loaded):
it may be a scripted policy, so reading the argmax of its output is no evidence."""


class Agent:
    def __init__(self, config):
        self.config = config
        self.network = config.policy_fn()
        self.schedule = config.schedule_fn(self.config.steps)

    def greedy(self, state):
        q = self.network(state)
        return q.argmax(-1).tolist()

    def episode(self, env):
        state = env.reset()
        done = False
        while not done:
            state, reward, done, info = env.step(self.greedy(state))
        return reward
