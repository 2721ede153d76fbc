"""FixMatch-style training: the `no_grad` pass of the trained model gives only targets (the
pseudo-labels), and a loss of its outputs alone is computed for the logs, never summed into the
loss that is backpropagated."""
import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(8, 16)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.body(x).relu())


def train(labeled, unlabeled, log, epochs=10):
    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(epochs):
        for (x, y), (weak, strong) in zip(labeled, unlabeled):
            with torch.no_grad():
                probs = model(weak).softmax(1)
                confidence, pseudo = probs.max(1)
            entropy = F.cross_entropy(probs.log(), pseudo)  # for the logs only
            loss = F.cross_entropy(model(x), y) + (F.cross_entropy(model(strong), pseudo, reduction="none")
                                                   * (confidence > 0.95)).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            log(entropy.item(), loss.item())
