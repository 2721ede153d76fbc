import torch


class Agents:
    def __init__(self, algorithm, n_obs, n_actions):
        if algorithm == "vdn":
            from policy.vdn import VDN
            self.policy = VDN(n_obs, n_actions)
        else:
            from policy.iql import IQL
            self.policy = IQL(n_obs, n_actions)

    def q_values(self, obs):
        inputs = torch.as_tensor(obs, dtype=torch.float32)
        return self.policy.eval_net(inputs)  # expect: NG101@16
