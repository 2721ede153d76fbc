"""`predict_chunk` is public inference API nobody in the project calls. Another policy calls its
own `predict_chunk` under no_grad (`self.predict_chunk`): that says nothing of this one."""
import torch
from torch import nn


class ChunkedPolicy(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(8, 2)

    def predict_chunk(self, observations):
        self.eval()
        actions = []
        for observation in observations:
            actions.append(self.head(observation).argmax(-1).tolist())  # expect: NG101@28
        return actions
