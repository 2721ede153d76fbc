"""Written to run from its own folder (`python agent.py`): `from models import QNetwork` is the
module beside it, `dqn/models.py`; the project has no top-level `models` (the scripts folder's
own `models.py` is another one). The target network, synced by `load_state_dict`, is detached
into the TD target: NG101 (low, see the project's min-confidence) at its pass."""
import torch
import torch.nn.functional as F

from models import QNetwork


class DQN:
    def __init__(self, obs_dim, n_actions, gamma=0.99):
        self.q = QNetwork(obs_dim, n_actions)
        self.q_target = QNetwork(obs_dim, n_actions)
        self.q_target.load_state_dict(self.q.state_dict())
        self.optimizer = torch.optim.Adam(self.q.parameters(), lr=1e-3)
        self.gamma = gamma

    def update(self, obs, actions, rewards, next_obs, dones):
        q_values = self.q(obs).gather(1, actions)
        next_q = self.q_target(next_obs).max(1, keepdim=True)[0]  # expect: NG101@18
        target = rewards + self.gamma * (1 - dones) * next_q.detach()
        loss = F.mse_loss(q_values, target)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()

    def sync(self):
        self.q_target.load_state_dict(self.q.state_dict())
