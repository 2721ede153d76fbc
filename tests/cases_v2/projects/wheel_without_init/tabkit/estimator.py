import torch
from tabkit import network  # a wheel without __init__.py files: the package imports itself by name


class Estimator:
    def __init__(self, width):
        self.width = width

    def _build(self):
        self.net = network.TabNet(self.width)  # stored outside __init__, by a method defined earlier

    def fit(self, loader, optimizer):
        self._build()
        for x, y in loader:
            loss = torch.nn.functional.cross_entropy(self.net(x), y)
            loss.backward()
            optimizer.step()

    def _predict_rows(self, x):
        scores = self.net(x)
        return scores.detach().cpu().numpy()

    def predict(self, loader):
        self.net.eval()
        return [self._predict_rows(x) for x, _ in loader]  # expect: NG101@17
