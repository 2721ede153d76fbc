import torch


class Runner:
    """The network comes from a method each subclass overrides; the base only moves it."""

    def __init__(self, settings):
        self.settings = settings
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.net = self.build_network().to(self.device)

    def build_network(self):
        raise NotImplementedError("subclasses build the network")
