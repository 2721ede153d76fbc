"""The critics read the policy's actions through `torch.Tensor(...)` inside the `no_grad` block:
the conversion is an alias that would carry the graph, but under `no_grad` it records nothing, so
the critics' output gives the policy no gradient. The optimizers are built by an optimizer class
the constructor takes (`optimizer=torch.optim.Adam`)."""
import torch


class SAC:
    def __init__(self, policy, qf1, qf2, optimizer=torch.optim.Adam, alpha=0.2):
        self.policy = policy
        self.qf1 = qf1
        self.qf2 = qf2
        self.alpha = alpha
        self.policy_optimizer = optimizer(self.policy.parameters(), lr=3e-4)
        self.qf1_optimizer = optimizer(self.qf1.parameters(), lr=3e-4)
        self.qf2_optimizer = optimizer(self.qf2.parameters(), lr=3e-4)

    def optimize_policy(self, samples):
        obs = samples["observation"]
        dists = self.policy(torch.Tensor(obs))
        actions = dists.rsample()
        log_pi = dists.log_prob(actions)
        with torch.no_grad():
            min_q = torch.min(self.qf1(torch.Tensor(obs), torch.Tensor(actions)),  # expect: NG210@31
                              self.qf2(torch.Tensor(obs), torch.Tensor(actions)))  # expect: NG210@31
        objective = (self.alpha * log_pi - min_q.flatten()).mean()
        self.policy_optimizer.zero_grad()
        objective.backward()
        self.policy_optimizer.step()
