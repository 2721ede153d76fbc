class Agent:
    def eval_step(self, state):
        raise NotImplementedError

    def eval_episode(self, env):
        state, done, total = env.reset(), False, 0.0
        while not done:
            state, reward, done, _ = env.step(self.eval_step(state))
            total += reward
        return total
