import torch
import torch.nn as nn


class TinyLM(nn.Module):
    def __init__(self, vocab=100, width=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.head = nn.Linear(width, vocab)

    def forward(self, ids):
        return self.head(self.embed(ids))

    @torch.inference_mode()
    def generate(self, ids, steps):
        """Sampling as fast as possible: every token it appends is an inference tensor, and so is
        the sequence it returns (the loop rebinds `ids`)."""
        for _ in range(steps):
            nxt = self(ids)[:, -1].argmax(-1, keepdim=True)
            ids = torch.cat([ids, nxt], 1)
        return ids


@torch.inference_mode()
def reward_weights(rollout):
    return torch.ones_like(rollout, dtype=torch.float)


def policy_gradient_step(policy: TinyLM, prompts, opt):
    rollout = policy.generate(prompts, 16)
    logp = policy(rollout).log_softmax(-1)  # expect: NG204@19
    loss = -logp.mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


def weighted_step(policy: TinyLM, prompts, opt):
    rollout = policy.generate(prompts, 16).clone()
    weights = reward_weights(rollout)
    logp = policy(rollout).log_softmax(-1).amax(-1)
    loss = -(logp * weights).mean()  # expect: NG204@21
    opt.zero_grad()
    loss.backward()
    opt.step()
