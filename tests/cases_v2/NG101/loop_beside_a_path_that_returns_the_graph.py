"""An estimator's `get_activations` returns the model's output with its graph when asked for the
framework's tensors (an attack differentiates it), and otherwise loops over batches and keeps
only NumPy copies. The loop is the evaluation, not the whole method: a `no_grad` over the method
would cut the graph the first path returns on purpose. NG101 (medium) at the loop's forward pass."""
import numpy as np
import torch
from torch import nn


class Estimator:
    def __init__(self, model: nn.Module):
        self._model = model

    def get_activations(self, x: torch.Tensor, batch_size: int = 32, framework: bool = False):
        self._model.eval()
        if framework:
            return self._model(x)
        results = []
        for start in range(0, len(x), batch_size):
            out = self._model(x[start:start + batch_size])  # expect: NG101@19
            results.append(out.detach().cpu().numpy())
        return np.concatenate(results)
