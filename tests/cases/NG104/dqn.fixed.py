import torch
import torch.nn as nn
import torch.nn.functional as F


class QNetwork(nn.Module):
    def __init__(self, n_states, n_actions):
        super().__init__()
        self.fc = nn.Linear(n_states, n_actions)

    def forward(self, x):
        return self.fc(x)


def optimize(model, optimizer, batch, gamma=0.99):
    state, action, reward, next_state, done = batch
    q = model(state).gather(1, action)
    with torch.no_grad():
        target = reward + gamma * model(next_state).max(1)[0].unsqueeze(1) * (1 - done)  # expect: NG104@31
    loss = F.smooth_l1_loss(q, target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def optimize_inline(model, optimizer, state, action, reward, next_state):
    criterion = nn.MSELoss()
    loss = criterion(model(state).gather(1, action), (reward + 0.9 * model(next_state).max(1)[0]).detach())  # expect: NG104@69
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


class Agent:
    def __init__(self, n_states, n_actions):
        self.q_net = QNetwork(n_states, n_actions)
        self.optimizer = torch.optim.Adam(self.q_net.parameters())
        self.gamma = 0.99

    def learn(self, state, action, reward, next_state):
        q_eval = self.q_net(state).gather(1, action)
        with torch.no_grad():
            values = self.q_net(next_state)  # expect: NG104@18
        q_target = reward + self.gamma * values.max(1, keepdim=True)[0]
        loss = F.mse_loss(q_eval, target=q_target)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()


def optimize_masked(model, optimizer, criterion_state, state, action, reward, next_state, gamma=0.9):
    criterion = nn.MSELoss()
    q = model(state).gather(1, action)
    with torch.no_grad():
        new_q = model(next_state)  # expect: NG104@13
    max_q = new_q.max(1)[0]
    y = reward
    y[reward == -1] += gamma * max_q[reward == -1]
    loss = criterion(q, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
