"""Stop-gradients in actor-critic updates, the author's, not evaluation: silent.

- `compute_losses` (SAC's shape, without target networks) returns the losses its caller
  backpropagates; the policy's and the Q-function's passes on the next states are detached into
  the Q target, and other passes of the same networks are in the losses it returns: both are
  trained there.
- `update` (an A2C with a Fisher step first) backpropagates once, then runs the critic for the
  advantage, detached into the actor loss it backpropagates next, and trains the critic."""
import torch
import torch.nn.functional as F
from torch import nn


class SoftActorCritic:
    def __init__(self, policy: nn.Module, qf: nn.Module, discount=0.99):
        self.policy = policy
        self.qf = qf
        self.discount = discount

    def compute_losses(self, obs, actions, rewards, next_obs, done):
        new_actions, log_pi = self.policy(obs)
        policy_loss = (0.2 * log_pi - self.qf(obs, new_actions)).mean()
        next_actions, next_log_pi = self.policy(next_obs)
        target_q = self.qf(next_obs, next_actions) - 0.2 * next_log_pi
        q_target = rewards + (1.0 - done) * self.discount * target_q
        qf_loss = F.mse_loss(self.qf(obs, actions), q_target.detach())
        return policy_loss, qf_loss


class FisherA2C:
    def __init__(self, actor: nn.Module, critic: nn.Module):
        self.actor = actor
        self.critic = critic
        self.actor_optimizer = torch.optim.SGD(self.actor.parameters(), lr=0.25)
        self.critic_optimizer = torch.optim.Adam(self.critic.parameters(), lr=1e-3)

    def update(self, states, actions, rewards):
        log_probs = (self.actor(states) * actions).sum(1)
        self.actor.zero_grad()
        log_probs.mean().backward(retain_graph=True)
        self.actor_optimizer.zero_grad()
        values = self.critic(states, actions).detach()
        advantages = rewards - values
        actor_loss = -(log_probs * advantages).mean()
        actor_loss.backward()
        self.actor_optimizer.step()
        critic_loss = F.mse_loss(self.critic(states, actions), rewards)
        self.critic_optimizer.zero_grad()
        critic_loss.backward()
        self.critic_optimizer.step()
