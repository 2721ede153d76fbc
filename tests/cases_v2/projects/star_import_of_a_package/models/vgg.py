import torch
import torch.nn as nn
from torch.autograd import Variable


class VGG(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Conv2d(3, 8, 3)
        self.classifier = nn.Linear(8, 7)

    def forward(self, x):
        return self.classifier(self.features(x).mean((2, 3)))
