import torch as T
from torch.nn import functional as F


def critic_update(critic, optimizer, state, reward, next_state, done, gamma=0.99):
    value = critic(state)
    next_value = critic(next_state)  # expect: NG104@18
    td_target = reward + gamma * next_value * (1 - done)
    loss = F.mse_loss(value, td_target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return T.zeros(1)
