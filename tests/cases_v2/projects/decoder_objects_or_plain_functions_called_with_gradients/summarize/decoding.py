import torch
from torch import nn


class Abstractor:
    """Rewrites extracted sentences with a trained sequence model."""

    def __init__(self, path):
        self._net = nn.GRU(16, 16, batch_first=True)
        self._net.load_state_dict(torch.load(path))

    def __call__(self, sentences):
        self._net.eval()
        out, _ = self._net(sentences)  # expect: NG101@18
        return out.argmax(-1).tolist()


class Extractor:
    """Picks the sentences to keep with a trained scorer."""

    def __init__(self, path):
        self._net = nn.Linear(16, 1)
        self._net.load_state_dict(torch.load(path))

    def __call__(self, sentences):
        self._net.eval()
        scores = self._net(sentences).squeeze(-1)  # expect: NG101@18
        return scores.topk(3, dim=-1).indices.tolist()
