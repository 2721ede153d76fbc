# settings: min_confidence=high
"""An inference wrapper module loads its weights and calls `self.eval()` while it is built (in a
loading method only `__init__` calls); none of its methods switches it back. Its batch method
runs the network (a submodule, in eval mode with it) over a loader and keeps every batch's
logits with their graphs."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader


class Classifier(nn.Module):
    def __init__(self, weights, device="cpu"):
        super().__init__()
        self.device = device
        self._load(weights)

    def _load(self, weights):
        self.backbone = nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 10))
        self.load_state_dict(torch.load(weights, map_location=self.device))
        self.to(self.device)
        self.eval()

    def forward(self, images):
        return self.backbone(images)

    def classify_folder(self, dataset):
        loader = DataLoader(dataset, batch_size=32)
        all_logits = []
        for images in loader:
            all_logits.append(self.backbone(images.to(self.device)))  # expect: NG101@31
        return torch.cat(all_logits).argmax(1).tolist()
