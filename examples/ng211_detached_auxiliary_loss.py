# nograd-verify: expect NG211
"""A classifier trained with an auxiliary reconstruction loss that is detached before it joins the total.

The auxiliary head reconstructs the input from the shared features; its author detached the
reconstruction loss "so that it does not take memory" and added it to the classification loss,
weighted. A detached tensor is a constant to autograd: the total has the value the author prints,
and the gradient of the classification loss alone. `loss.backward()` runs and nothing fails, but
the decoder's parameters keep `.grad is None` and the optimizer never changes them, and the trunk
learns nothing from the reconstruction. `main()` returns the gradients of every parameter after
training; the decoder's are `None`.
"""
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def __init__(self, features=16, hidden=8, classes=3):
        super().__init__()
        self.trunk = nn.Linear(features, hidden)
        self.classifier = nn.Linear(hidden, classes)
        self.decoder = nn.Linear(hidden, features)

    def forward(self, x):
        h = torch.tanh(self.trunk(x))
        return self.classifier(h), self.decoder(h)


def train(model, data, labels, weight=0.5):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for x, y in zip(data.split(16), labels.split(16)):
        logits, reconstruction = model(x)
        reconstruction_loss = F.mse_loss(reconstruction, x)
        loss = F.cross_entropy(logits, y) + weight * reconstruction_loss.detach()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def main():
    torch.manual_seed(0)
    model = Model()
    train(model, torch.randn(64, 16), torch.randint(0, 3, (64,)))
    return {name: p.grad for name, p in model.named_parameters()}


if __name__ == "__main__":
    print({name: grad is None for name, grad in main().items()})
