import torch
from torch import nn

from supernet.mixins import ChannelSearch


class SearchNet(ChannelSearch, nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(8, 4)

    def forward(self, x):
        return self.body(x)


def searched_net(config, weights=None):
    """A factory: `manual_select` (from a mixin we cannot read) configures the network; its
    result is not taken, so it is no forward pass."""
    net = SearchNet()
    net.manual_select(config)
    if weights is not None:
        net.load_state_dict(torch.load(weights))
    return net
