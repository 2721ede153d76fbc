"""An advantage-weighted policy update estimates the state value by averaging the Q-function over
actions sampled from the policy: every sample's graph is kept in a list through the loop and
thrown away by the `.detach()` after it. NG101 (medium) at the loop's forward pass, called a loop,
not a rollout: nothing in it acts in an environment."""
import torch
import torch.nn.functional as F


class Trainer:
    def __init__(self, policy, qf, samples=4):
        self.policy, self.qf, self.samples = policy, qf, samples
        self.qf_optimizer = torch.optim.Adam(self.qf.parameters(), lr=3e-4)
        self.policy_optimizer = torch.optim.Adam(self.policy.parameters(), lr=3e-4)

    def train_from_batch(self, obs, actions, rewards, next_obs):
        q_pred = self.qf(obs, actions)
        qf_loss = F.mse_loss(q_pred, rewards + 0.99 * self.qf(next_obs, self.policy(next_obs).sample()).detach())
        self.qf_optimizer.zero_grad()
        qf_loss.backward()
        self.qf_optimizer.step()

        dist = self.policy(obs)
        values = []
        for _ in range(self.samples):
            values.append(self.qf(obs, dist.sample()))  # expect: NG101@27
        v_pi = torch.cat(values, 1).mean(dim=1, keepdim=True)
        weights = F.softmax((self.qf(obs, actions) - v_pi).detach(), dim=0)
        policy_loss = -(dist.log_prob(actions) * weights).mean()
        self.policy_optimizer.zero_grad()
        policy_loss.backward()
        self.policy_optimizer.step()
