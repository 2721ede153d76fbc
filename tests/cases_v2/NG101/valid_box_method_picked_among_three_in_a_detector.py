"""A detector's `get_boxes` picks its box method by mode among three (`fn = self.gt_boxes`,
`self.proposal_boxes` or `self.rpn_boxes`, by `if`/`elif`/`else`) and calls it; only `forward`
calls `get_boxes`. `rpn_boxes` is part of the model's forward (trained through), although its
evaluation branch still writes `Variable(..., volatile=True)`: silent. A method bound to a local
its scope only calls is called there, the choice among three is kept through the nested joins,
and a method only `forward` reaches through the model's own methods is the model's internals."""
import torch.nn as nn
from torch.autograd import Variable


class Detector(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode
        self.head = nn.Linear(4, 4)

    def gt_boxes(self, fmap, boxes=None, proposals=None):
        return boxes

    def proposal_boxes(self, fmap, boxes=None, proposals=None):
        return proposals

    def rpn_boxes(self, fmap, boxes=None, proposals=None):
        feats = self.head(fmap)
        if self.training:
            return feats
        return Variable(feats.data, volatile=True)

    def get_boxes(self, *args, **kwargs):
        if self.mode == "gtbox":
            fn = self.gt_boxes
        elif self.mode == "proposals":
            assert kwargs["proposals"] is not None
            fn = self.proposal_boxes
        else:
            fn = self.rpn_boxes
        return fn(*args, **kwargs)

    def forward(self, x, proposals=None):
        return self.get_boxes(x, proposals=proposals)
