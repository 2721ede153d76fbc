from agent.agents import Agents
from common.rollout import RolloutWorker


class Runner:
    def __init__(self, env, args):
        self.agents = Agents(args.alg, args.n_obs, args.n_actions)
        self.worker = RolloutWorker(env, self.agents, args.epsilon)

    def collect(self, episodes):
        return [self.worker.run_episode(200) for _ in range(episodes)]
