import torch
from torch import nn

from tabular.base import LitBase, TabularModule


class Regressor(TabularModule):
    """Derives from a plain module of another file: Lightning never calls `predict_step` here."""

    def __init__(self, width):
        super().__init__()
        self.body = nn.Linear(width, 1)

    def forward(self, inputs):
        return self.body(inputs["x"])

    def predictions(self, inputs):
        # `predict_all` passes a Regressor in eval mode, through `predict_step`: one finding, here
        outputs = self(inputs)  # expect: NG101@19
        return {"y": outputs.squeeze(-1)}

    def predict_step(self, inputs):
        return self.predictions(inputs)


class LitRegressor(LitBase):
    """Derives, through another file, from Lightning's module: its `predict_step` is Lightning's hook."""

    def __init__(self, width):
        super().__init__()
        self.body = nn.Linear(width, 1)

    def forward(self, x):
        return self.body(x)

    def predict_step(self, batch, batch_idx):
        return self(batch["x"]).squeeze(-1)


def predict_all(model: Regressor, batches):
    model.eval()
    predictions = []
    for batch in batches:
        predictions.append(model.predict_step({"x": torch.as_tensor(batch)}))
    model.train()
    return predictions
