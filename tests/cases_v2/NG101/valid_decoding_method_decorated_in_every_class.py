"""A decoding loop calls `recognize` on a model of unknown class (`nn.Module`): the two classes
of the file that define `recognize` both decorate it with `@torch.no_grad()`, so whichever runs
records nothing. No finding (the loop was read as running the model with gradients on)."""
import torch
from torch import nn


class ListenAttendSpell(nn.Module):
    def __init__(self, dim=80, classes=10):
        super().__init__()
        self.encoder = nn.LSTM(dim, 32, batch_first=True)
        self.decoder = nn.Linear(32, classes)

    def forward(self, inputs):
        return self.decoder(self.encoder(inputs)[0])

    @torch.no_grad()
    def recognize(self, inputs):
        return self.forward(inputs).argmax(-1)


class Conformer(nn.Module):
    def __init__(self, dim=80, classes=10):
        super().__init__()
        self.encoder = nn.Linear(dim, 32)
        self.decoder = nn.Linear(32, classes)

    def forward(self, inputs):
        return self.decoder(torch.relu(self.encoder(inputs)))

    @torch.no_grad()
    def recognize(self, inputs):
        return self.forward(inputs).argmax(-1)


def search(model: nn.Module, batches):
    model.eval()
    predictions = []
    for inputs in batches:
        predicted = model.recognize(inputs)
        predictions.append(predicted.cpu().detach().numpy())
    return predictions
