import torch


def evaluate(env, policy, exploration, deterministic):
    with torch.no_grad(), exploration("mode"):
        rollout = env.rollout(policy=policy)
    with exploration("mode") and exploration("mean"):
        rollout = env.rollout(policy=policy)
    with (exploration("mode") if deterministic else exploration("random")) and torch.no_grad():
        rollout = env.rollout(policy=policy)
    with torch.no_grad() if deterministic else torch.enable_grad():
        rollout = env.rollout(policy=policy)
    return rollout
