import torch
import torch.nn.functional as F
from torch import nn


class Controller(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(8, 8)
        self.head = nn.Linear(8, 4)
        self.embed = nn.Embedding(4, 8)

    def forward(self, x, state):
        h, c = self.cell(x, state)
        return self.head(h), (h, c)

    def sample(self, steps, with_details=False):
        x = torch.zeros(1, 8)
        state = (torch.zeros(1, 8), torch.zeros(1, 8))
        actions, log_probs, entropies = [], [], []
        for _ in range(steps):
            logits, state = self.forward(x, state)
            probs = F.softmax(logits, dim=-1)
            log_prob = F.log_softmax(logits, dim=-1)
            entropies.append(-(log_prob * probs).sum(1))
            action = probs.multinomial(num_samples=1).data
            log_probs.append(log_prob.gather(1, action)[:, 0])
            actions.append(int(action[0, 0]))
            x = self.embed(action[:, 0])
        if with_details:
            return actions, torch.cat(log_probs), torch.cat(entropies)
        return actions


def train_controller(controller, optimizer, reward_of):
    actions, log_probs, entropies = controller.sample(4, with_details=True)
    loss = -(log_probs * reward_of(actions)).sum() - 0.01 * entropies.sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def train_shared(controller, shared, shared_optimizer, batches):
    for x, y in batches:
        actions = controller.sample(4)  # expect: NG101@19
        loss = F.cross_entropy(shared(x, actions), y)
        shared_optimizer.zero_grad()
        loss.backward()
        shared_optimizer.step()


def build():
    controller = Controller()
    train_controller(controller, torch.optim.Adam(controller.parameters()), lambda actions: 1.0)
    return controller
