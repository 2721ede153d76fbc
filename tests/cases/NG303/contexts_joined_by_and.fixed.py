import contextlib

import torch
from torch import inference_mode


def evaluate(env, policy, exploration):
    with torch.no_grad(), exploration("mode") as mode:  # expect: NG303@10
        rollout = env.rollout(policy=policy, mode=mode)
    with torch.no_grad(), contextlib.suppress(KeyError), exploration("mode"):  # expect: NG303@10
        rollout = env.rollout(policy=policy)
    with open("log.txt") as log, inference_mode(), exploration("mean"):  # expect: NG303@34
        log.write(str(env.rollout(policy=policy)))
    return rollout

