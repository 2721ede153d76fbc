"""Twins of the NG210 cases that must stay silent."""
import torch
import torch.nn.functional as F


class DDPG:
    def __init__(self, actor, actor_target, critic, critic_target):
        self.actor, self.actor_target = actor, actor_target
        self.critic, self.critic_target = critic, critic_target
        self.actor_optimizer = torch.optim.Adam(self.actor.parameters(), lr=1e-4)
        self.critic_optimizer = torch.optim.Adam(self.critic.parameters(), lr=1e-3)

    def update_critic(self, obs, act, rew, next_obs):
        # the target actor's graph is cut on purpose: no optimizer holds its parameters
        next_act = self.actor_target(next_obs)
        with torch.no_grad():
            target = rew + 0.99 * self.critic_target(next_obs, next_act)
        loss = F.mse_loss(self.critic(obs, act), target)
        self.critic_optimizer.zero_grad()
        loss.backward()
        self.critic_optimizer.step()

    def update_actor(self, obs):
        # the critic is frozen instead of run under no_grad: the gradient reaches the actor
        self.critic.requires_grad_(False)
        loss = -self.critic(obs, self.actor(obs)).mean()
        self.critic.requires_grad_(True)
        self.actor_optimizer.zero_grad()
        loss.backward()
        self.actor_optimizer.step()


class Distiller:
    def __init__(self, student, teacher):
        self.student, self.teacher = student, teacher
        self.opt = torch.optim.SGD(self.student.parameters(), lr=0.1)

    def step(self, x):
        # the teacher reads the data, not the student's graph
        logits = self.student(x)
        with torch.no_grad():
            soft = self.teacher(x).softmax(-1)
        loss = F.kl_div(logits.log_softmax(-1), soft, reduction="batchmean")
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()

    def step_with_a_probe(self, x):
        # the student's output goes through a probe under no_grad only for logging
        logits = self.student(x)
        with torch.no_grad():
            confidence = self.teacher(logits).max().item()
        loss = logits.logsumexp(-1).mean()
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return confidence


class ConvertingSAC:
    def __init__(self, policy, qf, optimizer=torch.optim.Adam):
        self.policy, self.qf = policy, qf
        self.policy_optimizer = optimizer(self.policy.parameters(), lr=3e-4)

    def update_with_copied_actions(self, obs):
        # `torch.tensor(...)` copies without the graph and `detach()` drops it: the critic is
        # meant as a constant here, and nothing is cut by the no_grad block
        dists = self.policy(obs)
        actions = dists.rsample()
        with torch.no_grad():
            q = self.qf(obs, torch.tensor(actions.detach()))
            q2 = self.qf(obs, torch.Tensor(actions.detach()))
        loss = (dists.log_prob(actions) * (q + q2)).mean()
        self.policy_optimizer.zero_grad()
        loss.backward()
        self.policy_optimizer.step()
