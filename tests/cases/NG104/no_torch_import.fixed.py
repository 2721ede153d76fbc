import torch
from torch.nn import functional as F


def critic_update(critic, optimizer, state, reward, next_state, gamma=0.99):
    value = critic(state)
    with torch.no_grad():
        td_target = reward + gamma * critic(next_state)  # expect: NG104@34
    loss = F.mse_loss(value, td_target)
    loss.backward()
    optimizer.step()
