# settings: min_confidence=low
import torch
from torch import nn


def inference_weights(weights: dict, owner):
    """`_resolve_model` is an imported function (its module is not in the project here): calling
    it looks a model up, it runs nothing."""
    from registry.lookup import _resolve_model

    for name, w in weights.items():
        target = _resolve_model(owner, name)
        print(target.load_state_dict(w))
