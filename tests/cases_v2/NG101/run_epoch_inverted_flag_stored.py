class Runner:
    """The flag is inverted (`if not cross_valid:` guards the training step), the batch counter
    comes from `enumerate`, and the epoch's mean loss is kept on the object."""

    def __init__(self, model, optimizer, loaders):
        self.model = model
        self.optimizer = optimizer
        self.loaders = loaders
        self.history = []

    def fit(self, epochs):
        for epoch in range(epochs):
            self.model.train()
            self.last_train = self._one_epoch(epoch)
            self.model.eval()
            self.last_valid = self._one_epoch(epoch, cross_valid=True)  # expect: NG101@31
            self.history.append((self.last_train, self.last_valid))

    def _one_epoch(self, epoch, cross_valid=False):
        total = 0
        loader = self.loaders["valid" if cross_valid else "train"]
        for i, (inputs, lengths, targets) in enumerate(loader):
            loss = self.model(inputs, lengths, targets)
            if not cross_valid:
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
            total += loss.item()
        return total / (i + 1)
