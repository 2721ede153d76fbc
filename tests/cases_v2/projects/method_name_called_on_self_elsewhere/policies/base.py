from torch import nn


class PolicyBase(nn.Module):
    """The project's own base class of policies (in another file)."""
