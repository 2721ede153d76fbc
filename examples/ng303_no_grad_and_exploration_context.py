# nograd-verify: expect NG303
"""`with torch.no_grad() and exploration("mean"):` around a policy's evaluation rollout.

`and` gives its last operand when the others are true, and a context object is: the with-statement
enters only the exploration context, and the rollout records a graph at every step. The fix enters
each context: `with torch.no_grad(), exploration("mean"):`.
"""
import contextlib

import torch
from torch import nn

MODE = {"exploration": "random"}


@contextlib.contextmanager
def exploration(kind):
    previous, MODE["exploration"] = MODE["exploration"], kind
    try:
        yield kind
    finally:
        MODE["exploration"] = previous


def evaluate(policy, observations):
    with torch.no_grad() and exploration("mean"):
        actions = []
        state = torch.zeros(observations.shape[1], 16)
        for observation in observations:
            state = torch.tanh(policy(torch.cat([observation, state], dim=1)))
            actions.append(state[:, :2])
        return torch.stack(actions)


def main():
    torch.manual_seed(0)
    policy = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 16))
    observations = torch.randn(50, 8, 4, generator=torch.Generator().manual_seed(1))
    return {"actions": evaluate(policy, observations)}


if __name__ == "__main__":
    print(tuple(main()["actions"].shape))
