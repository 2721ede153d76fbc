import torch as T
from torch.nn import functional as F


def critic_update(critic, optimizer, state, reward, next_state, done, gamma=0.99):
    value = critic(state)
    with T.no_grad():
        next_value = critic(next_state)  # expect: NG104@18
    td_target = reward + gamma * next_value * (1 - done)
    loss = F.mse_loss(value, td_target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return T.zeros(1)


class WeightedMSE(T.nn.MSELoss):
    pass


class PairLoss(T.nn.MSELoss):
    def forward(self, first, second):
        return super().forward(first, second)


def critic_update_project_losses(critic, optimizer, state, reward, next_state):
    loss = WeightedMSE()(critic(state), (reward + critic(next_state)).detach())  # expect: NG104@50
    loss = loss + PairLoss()(critic(state), reward + critic(next_state))
    loss.backward()
    optimizer.step()
