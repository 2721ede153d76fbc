"""A PPO rollout: every environment step runs the policy with gradients on and keeps its values
and log-probabilities in lists, which are stacked and `.detach()`ed only after the loop, as the
update's constants. The update then trains the same model, but no step's graph is ever used: it
is kept through the whole rollout and thrown away. `dist.sample()` draws without a graph, so the
actions carry none. NG101 (medium) at the loop's forward pass; the fix wraps the rollout loop."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Categorical


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(4, 8)
        self.pi = nn.Linear(8, 2)
        self.v = nn.Linear(8, 1)

    def forward(self, x):
        h = torch.relu(self.body(x))
        return self.pi(h), self.v(h)


def train(env, steps, epochs):
    model = Policy()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    state = torch.as_tensor(env.reset(), dtype=torch.float32)
    for episode in range(1000):
        states, actions, log_probs, values, rewards = [], [], [], [], []
        for _ in range(steps):
            logits, value = model(state)  # expect: NG101@29
            dist = Categorical(logits=logits)
            action = dist.sample()
            states.append(state)
            actions.append(action)
            log_probs.append(dist.log_prob(action))
            values.append(value.squeeze())
            obs, reward, done, _ = env.step(action.item())
            rewards.append(reward)
            state = torch.as_tensor(obs, dtype=torch.float32)
        states = torch.stack(states)
        actions = torch.stack(actions)
        old_log_probs = torch.stack(log_probs).detach()
        values = torch.stack(values).detach()
        returns = torch.tensor(rewards).flip(0).cumsum(0).flip(0)
        advantages = returns - values
        for _ in range(epochs):
            logits, value = model(states)
            dist = Categorical(logits=logits)
            ratio = torch.exp(dist.log_prob(actions) - old_log_probs)
            loss = -(ratio * advantages).mean() + F.mse_loss(value.squeeze(-1), returns)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
