import torch
import torch.nn as nn


def sampled_log_probs(policy, states):
    """The log-probability of each state's best action; the caller backpropagates through them."""
    total = torch.zeros(())
    chosen = []
    for state in states:
        log_prob = policy(state).log_softmax(-1).max()
        chosen.append(log_prob)
        total += log_prob  # the graph the returned log-probabilities keep anyway
    print("mean log-probability", float(total) / len(states))
    return torch.stack(chosen)


def reinforce_step(policy, states, returns, optimizer):
    loss = -(sampled_log_probs(policy, states) * returns).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


if __name__ == "__main__":
    policy = nn.Linear(4, 2)
    reinforce_step(policy, torch.randn(16, 4), torch.randn(16), torch.optim.SGD(policy.parameters(), lr=0.1))
