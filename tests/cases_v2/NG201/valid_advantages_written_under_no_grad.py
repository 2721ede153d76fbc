import torch


def update(policy, value_net, optimizer, states, rewards, old_log_probs, gamma=0.99, lam=0.95):
    """GAE advantages written element by element into a buffer under no_grad: constants of the
    policy loss, which gets its graph from the policy's and value network's forward passes."""
    with torch.no_grad():
        values = value_net(states).squeeze(-1)
        advantages = torch.zeros_like(rewards)
        running = 0.0
        for t in reversed(range(len(rewards) - 1)):
            delta = rewards[t] + gamma * values[t + 1] - values[t]
            advantages[t] = running = delta + gamma * lam * running
        targets = advantages + values
    ratio = torch.exp(policy(states).squeeze(-1) - old_log_probs)
    loss = -(ratio * advantages).mean() + (value_net(states).squeeze(-1) - targets).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
