"""An agent's episode loop trains unless `self.eval_mode` is set; in the evaluation branch the
Q-network's output is reduced to its argmax (index-valued: nothing of the graph comes out) and
converted in the next statement. The forward pass records a graph that nothing can use: NG101
at it. The training branch's own pass, backpropagated by `train_model`, is training."""
import torch
import torch.nn.functional as F
from torch import nn


class QNetwork(nn.Module):
    def __init__(self, obs_dim=4, n_actions=2):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(obs_dim, 64), nn.ReLU(), nn.Linear(64, n_actions))

    def forward(self, obs):
        return self.body(obs)


class Agent:
    def __init__(self, env):
        self.env = env
        self.qf = QNetwork()
        self.optimizer = torch.optim.Adam(self.qf.parameters(), lr=1e-3)
        self.eval_mode = False

    def train_model(self, obs, action, target):
        loss = F.mse_loss(self.qf(obs).gather(1, action), target)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()

    def run(self, max_steps=200):
        obs, total = self.env.reset(), 0.0
        for _ in range(max_steps):
            if self.eval_mode:
                q_index = self.qf(torch.as_tensor(obs)).argmax()  # expect: NG101@27
                action = q_index.cpu().numpy()
            else:
                action = self.env.action_space.sample()
            next_obs, reward, done, _ = self.env.step(action)
            if not self.eval_mode:
                self.train_model(torch.as_tensor(obs)[None], torch.as_tensor([[action]]),
                                 torch.as_tensor([[reward]], dtype=torch.float32))
            obs, total = next_obs, total + reward
            if done:
                break
        return total
