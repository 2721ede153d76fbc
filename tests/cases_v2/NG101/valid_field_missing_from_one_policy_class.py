from torch import nn


class Greedy:
    def __init__(self, n):
        self.scorer = nn.Linear(n, 4)


class Scripted:
    def __init__(self, table):
        self.table = table

    def scorer(self, obs):
        return self.table[int(obs.sum())]


class Agent:
    def __init__(self, kind, n, table):
        if kind == "greedy":
            self.policy = Greedy(n)
        else:
            self.policy = Scripted(table)

    def act(self, obs):
        return self.policy.scorer(obs).argmax(-1).item()


def rollout(agent, observations):
    return [agent.act(obs) for obs in observations]
