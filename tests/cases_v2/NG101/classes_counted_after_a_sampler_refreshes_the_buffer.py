import torch
from torch import nn


class EnergyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(32 * 32, 128), nn.ReLU())
        self.head = nn.Linear(128, 10)

    def classify(self, x):
        return self.head(self.body(x))

    def forward(self, x):
        return self.classify(x).logsumexp(1)


class ConditionalEnergyModel(EnergyModel):
    def forward(self, x, y=None):
        logits = self.classify(x)
        return logits.logsumexp(1) if y is None else logits.gather(1, y[:, None])


def refresh(model, buffer, steps):
    """Langevin dynamics: follows the energy's gradient with respect to the samples."""
    x = buffer.clone().requires_grad_(True)
    for _ in range(steps):
        (grad,) = torch.autograd.grad(model(x).sum(), [x])
        x = (x + 0.01 * grad + 0.005 * torch.randn_like(x)).detach().requires_grad_(True)
    return x.detach()


def class_counts(model, buffer, fresh=False):
    # The sampler needs gradients; the classification of its samples after it does not.
    if fresh:
        buffer = refresh(model, buffer, 20)
    labels = []
    for i in range(buffer.size(0) // 100):
        labels.append(model.classify(buffer[i * 100:(i + 1) * 100]).argmax(1))  # expect: NG101@23
    return torch.cat(labels).bincount(minlength=10)


def main(path, unconditional):
    # The class is one of two, chosen at run time: either has `classify`.
    model_cls = EnergyModel if unconditional else ConditionalEnergyModel
    model = model_cls()
    model.load_state_dict(torch.load(path))
    print(class_counts(model, torch.load("buffer.pt"), fresh=True))
