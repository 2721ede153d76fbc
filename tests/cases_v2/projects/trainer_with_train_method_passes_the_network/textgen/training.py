"""A trainer class with its own `train` method; its epoch loop calls `net.train(True)` on the
network it is given. That call is nn.Module's API, not evidence that `net` is a trainer."""
import torch

from textgen.scoring import Scorer


class Trainer:
    def __init__(self, criterion):
        self.criterion = criterion
        self.scorer = Scorer(criterion)

    def _step(self, net, inputs, targets, opt):
        opt.zero_grad()
        loss = self.criterion(net(inputs), targets)
        loss.backward()
        opt.step()

    def _epochs(self, net, batches, dev_batches, epochs, opt):
        for _ in range(epochs):
            net.train(True)
            for inputs, targets in batches:
                self._step(net, inputs, targets, opt)
            print(self.scorer.score(net, dev_batches))
            net.train(mode=True)

    def train(self, net, batches, dev_batches, epochs=3):
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
        self._epochs(net, batches, dev_batches, epochs, opt)
