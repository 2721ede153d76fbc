import torch
import torch.nn.functional as F
from torch import nn


class ShardedLoss(nn.Module):
    """Cross-entropy computed shard by shard, each shard backpropagated as it is computed."""

    def __init__(self, generator, shard_size=32):
        super().__init__()
        self.generator = generator
        self.shard_size = shard_size

    def forward(self, hidden, labels, eval=False):
        total = 0.0
        for h, y in zip(hidden.split(self.shard_size), labels.split(self.shard_size)):
            loss = F.cross_entropy(self.generator(h), y)
            if not eval:
                loss.backward(retain_graph=True)
            total += loss.item()
        return total


def fine_tune(encoder, generator, loader, epochs):
    encoder.eval()  # batch-norm statistics stay frozen while the weights train
    critic = ShardedLoss(generator)
    optimizer = torch.optim.SGD(list(encoder.parameters()) + list(generator.parameters()), lr=0.01)
    for _ in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            critic(encoder(x), y)
            optimizer.step()


def evaluate(encoder, generator, loader):
    encoder.eval()
    critic = ShardedLoss(generator)
    return sum(critic(encoder(x), y, eval=True) for x, y in loader)  # expect: NG101@23
