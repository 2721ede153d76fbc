from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from transformers import PreTrainedModel


class Forecaster(nn.Module):
    def __init__(self, inner: PreTrainedModel, horizon: int) -> None:
        super().__init__()
        self.inner = inner
        self.horizon = horizon

    def forward(self, ids, mask, samples):
        out = self.inner.generate(input_ids=ids, attention_mask=mask, max_new_tokens=self.horizon,
                                  do_sample=True, num_return_sequences=samples)
        return out.reshape(ids.size(0), samples, -1)


@dataclass
class Pipeline:
    scale: float
    model: Forecaster

    def predict(self, ids, mask, samples=20):
        tokens = self.model(ids, mask, samples)
        return tokens.float() * self.scale


def forecast_all(pipeline, batches):
    results = []
    for ids, mask in batches:
        results.append(pipeline.predict(ids, mask).numpy())
    return np.concatenate(results)
