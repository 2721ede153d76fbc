import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(16, 64)

    def forward(self, x):
        return self.net(x)


class PpoPolicy(nn.Module):
    """Its `forward` (used to collect rollouts) runs all of its work under its own `no_grad`."""

    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.head = nn.Linear(64, 4)

    def forward(self, obs, deterministic=False, clip_action=False):
        with torch.no_grad():
            logits = self.head(self.encoder(torch.as_tensor(obs)))
            actions = logits.argmax(-1) if deterministic else torch.distributions.Categorical(logits=logits).sample()
            return actions.cpu().numpy(), logits.cpu().numpy()


def evaluate_policy(env, policy, steps=1000):
    # `policy` comes from an RL library's model: its class is not known here, but the only
    # `forward` of the project that takes `deterministic` and `clip_action` records nothing
    policy = policy.eval()
    obs, total = env.reset(), 0.0
    for _ in range(steps):
        actions, _ = policy.forward(obs, deterministic=True, clip_action=True)
        obs, reward, done, info = env.step(actions)
        total += reward
    return total
