import torch
import torch.nn as nn


class TinyLM(nn.Module):
    def __init__(self, vocab=100, width=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.head = nn.Linear(width, vocab)

    def forward(self, ids):
        return self.head(self.embed(ids))

    @torch.no_grad()
    def generate(self, ids, steps):
        """Under no_grad the sequence is a normal tensor: training may read it."""
        for _ in range(steps):
            nxt = self(ids)[:, -1].argmax(-1, keepdim=True)
            ids = torch.cat([ids, nxt], 1)
        return ids

    @torch.inference_mode()
    def sample_tokens(self, ids, steps):
        for _ in range(steps):
            nxt = self(ids)[:, -1].argmax(-1, keepdim=True)
            ids = torch.cat([ids, nxt], 1)
        return ids.tolist()

    @torch.inference_mode()
    def prompt_part(self, ids):
        return ids[:, :4]


def policy_gradient_step(policy: TinyLM, prompts, opt):
    rollout = policy.generate(prompts, 16)
    cloned = policy.sample_tokens(prompts, 16)
    logp = policy(rollout).log_softmax(-1) + policy(torch.tensor(cloned)).log_softmax(-1)
    head = policy(policy_prompt(policy, prompts)).mean()
    loss = -logp.mean() - head
    opt.zero_grad()
    loss.backward()
    opt.step()


def policy_prompt(policy: TinyLM, prompts):
    """A view of the caller's own tensor, even in inference mode, is a normal tensor."""
    return policy.prompt_part(prompts)


def cloned_step(policy: TinyLM, prompts, opt):
    with torch.inference_mode():
        rollout = policy.generate(prompts, 16)
    loss = -policy(rollout.clone()).log_softmax(-1).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
