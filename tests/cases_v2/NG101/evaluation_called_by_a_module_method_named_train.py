"""A speech-enhancement GAN's module class defines its own training loop as `train(self, opts,
loader)` (shadowing `nn.Module.train`) and calls `self.evaluate(loader)` after each epoch: a
method reached from `forward` only is the model's internals, one called by a method that merely
shares a name of `nn.Module`'s API is not, and `evaluate` is reported. A guard: this shape was
reported before as well (by its step-by-step reads); the development-set repository it mirrors
lost its finding for a moment when internals were first followed through the model's methods."""
import torch
import torch.nn as nn
from torch.autograd import Variable


class SEGAN(nn.Module):
    def __init__(self):
        super().__init__()
        self.G = nn.Conv1d(1, 1, 3, padding=1)

    def forward(self, x):
        return self.G(x)

    def infer_G(self, noisy):
        return self.G(noisy)

    def train(self, opts, loader, valid_loader):
        optimizer = torch.optim.Adam(self.G.parameters())
        for epoch in range(opts.epochs):
            for clean, noisy in loader:
                loss = (self.G(noisy) - clean).abs().mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            print(self.evaluate(valid_loader))

    def evaluate(self, loader):
        self.G.eval()
        scores = []
        for clean, noisy in loader:
            noisy = Variable(noisy, volatile=True)
            enhanced = self.infer_G(noisy).squeeze(1)  # expect: NG101@24
            scores.append(float((enhanced.cpu().data - clean).abs().mean()))
        return sum(scores) / len(scores)
