"""A base evaluator builds its network, loads a checkpoint and puts it in eval mode in `__init__`;
the subclass that scores a loader inherits that `__init__` and runs `self.model` batch after
batch, reading only values. The field is the base class's: a subclass reads the fields of its
project base classes in the same module as it does those of a base in another module, so the
network is known to be in eval mode: NG101 (high). Before, the subclass did not see the field and
nothing was reported. The twin's base stores a tokenizer, an object of a plain class with a
`__call__`, in `self.encoder`: running it is no forward pass, whatever the name says (silent)."""
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))

    def forward(self, x):
        return self.layers(x)


class BaseEvaluator:
    def __init__(self, checkpoint):
        self.model = Net()
        self.model.load_state_dict(torch.load(checkpoint))
        self.model.eval()


class AccuracyEvaluator(BaseEvaluator):
    def score(self, loader):
        correct = 0
        for x, y in loader:
            correct += (self.model(x).argmax(1) == y).sum().item()  # expect: NG101@25
        return correct


class Tokenizer:
    def __init__(self, vocabulary):
        self.index = {word: i for i, word in enumerate(vocabulary)}

    def __call__(self, text):
        return torch.tensor([self.index.get(word, 0) for word in text.split()])


class BaseReader:
    def __init__(self, vocabulary):
        self.encoder = Tokenizer(vocabulary)


class LengthReader(BaseReader):
    def lengths(self, lines):
        total = 0
        for line in lines:
            total += self.encoder(line).numel()
        return total
