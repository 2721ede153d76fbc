"""A SAC policy update evaluates the critic on the reparameterized actions under `no_grad`: the
objective still has a graph through `log_pi`, so `backward()` runs, but no gradient reaches the
policy through the critic, and the policy optimizer is stepped right after."""
import torch


class SAC:
    def __init__(self, policy, critic, alpha=0.2):
        self.policy = policy
        self.critic = critic
        self.alpha = alpha
        self.policy_optimizer = torch.optim.Adam(self.policy.parameters(), lr=3e-4)
        self.critic_optimizer = torch.optim.Adam(self.critic.parameters(), lr=3e-4)

    def update_policy(self, obs):
        dist = self.policy(obs)
        actions = dist.rsample()
        log_pi = dist.log_prob(actions).sum(-1)
        with torch.no_grad():
            q = self.critic(obs, actions)  # expect: NG210@17
        loss = (self.alpha * log_pi - q).mean()
        self.policy_optimizer.zero_grad()
        loss.backward()
        self.policy_optimizer.step()
