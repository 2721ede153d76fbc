"""An eval-mode transform's output is handed to objects that keep it: `set_train_data(...)` on a
model and `super().__init__(model=...)` store what they get, so the graph is not thrown away
(callers may differentiate through the fantasy model later)."""
import copy

import torch


class Fantasy(torch.nn.Module):
    def __init__(self, x):
        super().__init__()
        self.x = x


def fantasy_model(base, x, y):
    transform = copy.deepcopy(base.transform).eval()
    y = transform(y)
    model = Fantasy(x)
    model.set_train_data(inputs=x, targets=y)
    return model


class Acquisition(torch.nn.Module):
    def __init__(self, base, x, y):
        fantasy = fantasy_model(base, x, y)
        super().__init__(model=fantasy)
