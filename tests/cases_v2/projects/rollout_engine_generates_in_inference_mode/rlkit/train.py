import torch

from rlkit.model import Policy
from rlkit.rollout import RolloutEngine


def grpo_step(policy: Policy, engine: RolloutEngine, prompts, opt):
    output_ids = engine.rollout(prompts)
    logits = policy(output_ids)  # expect: NG204@21
    loss = -logits.log_softmax(-1).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


def grpo_step_cloned(policy: Policy, engine: RolloutEngine, prompts, opt):
    output_ids = engine.rollout(prompts).clone()
    loss = -policy(output_ids).log_softmax(-1).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
