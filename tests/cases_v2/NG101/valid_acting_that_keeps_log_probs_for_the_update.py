"""Twin of acting_detached_in_the_next_statement_of_a_training_loop.py: REINFORCE keeps each
step's log-probability with its graph for the update, which backpropagates through them; the
action is drawn from the distribution and only the draw is converted: silent."""
import torch
from torch import nn
from torch.distributions import Categorical


class Reinforce:
    def __init__(self, env, policy: nn.Module):
        self.env = env
        self.policy = policy
        self.optimizer = torch.optim.Adam(policy.parameters(), lr=1e-3)
        self.log_probs, self.rewards = [], []

    def update(self):
        returns = torch.tensor(self.rewards).flip(0).cumsum(0).flip(0)
        loss = -(torch.stack(self.log_probs) * returns).sum()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.log_probs.clear()
        self.rewards.clear()

    def run(self, episodes=100):
        for _ in range(episodes):
            obs, done = torch.as_tensor(self.env.reset(), dtype=torch.float32), False
            while not done:
                dist = Categorical(logits=self.policy(obs))
                action = dist.sample()
                self.log_probs.append(dist.log_prob(action))
                next_obs, reward, done, _ = self.env.step(action.item())
                self.rewards.append(reward)
                obs = torch.as_tensor(next_obs, dtype=torch.float32)
            self.update()
