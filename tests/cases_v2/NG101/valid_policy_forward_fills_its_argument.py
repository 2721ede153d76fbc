import torch
from torch import nn


class ChunkedPolicy(nn.Module):
    def __init__(self, width=32, actions=8, chunk=4, top_k=3):
        super().__init__()
        self.body = nn.Linear(width, actions)
        self.chunk = chunk
        self.top_k = top_k

    def forward(self, batch):
        features = batch.get("features")
        scores = torch.cat([self.body(part) for part in features.split(self.chunk)], dim=0)
        keep = torch.argsort(scores, dim=-1, descending=True)[..., : self.top_k]
        masked = torch.full_like(scores, -torch.inf).scatter(-1, keep, torch.gather(scores, -1, keep))
        batch.set("logits", masked)
        return batch
