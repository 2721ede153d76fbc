import torch
from torch import nn


class Policy(nn.Module):
    """A vision-language-action policy: its `predict_action` hands the hidden states to the action
    head it is given, whose class (defined elsewhere) has a `predict_action` of its own."""

    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(32, 64), nn.GELU(), nn.Linear(64, 64))

    def _head_prediction(self, hidden, action_head=None):
        actions = action_head.predict_action(hidden)
        return actions.float().cpu().numpy()

    def predict_action(self, observation, action_head=None):
        hidden = self.backbone(observation)
        return self._head_prediction(hidden, action_head)


def act(policy, head, observations):
    # the caller runs the policy under no_grad: nothing records a graph
    policy.eval()
    actions = []
    for observation in observations:
        with torch.no_grad():
            actions.append(policy.predict_action(observation, action_head=head))
    return actions
