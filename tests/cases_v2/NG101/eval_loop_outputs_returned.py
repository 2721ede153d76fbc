import torch


class Collector:
    """Collects a model's activations over a dataset; no evaluation word in any name."""

    def __init__(self, network, batches):
        self.network = network
        self.batches = batches

    def collect(self):
        previous = self.network.training
        self.network.eval()
        collected = []
        for batch in self.batches:
            outputs = self.network(batch)  # expect: NG101@23
            collected = [(name, tensor) for name, tensor in outputs.items()]
        self.network.train(previous)
        return collected
