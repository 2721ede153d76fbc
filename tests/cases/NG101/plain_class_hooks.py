"""Lightning's hook names in a class that Lightning does not run (no base class) are plain methods."""
import torch


class NeuralNet(object):
    def validation_step(self, xi, yi):
        self.module_.eval()
        y_pred = self.module_(xi)  # expect: NG101@18
        return self.criterion(y_pred, yi).item()
