"""`Engine.forward(self.model, batch)`: a function defined in a class without `self` and called
on the class, given the model. The validation pass runs it after `model.eval()` and only reads
numbers from the losses; the training pass backpropagates through the same function."""
import torch
from torch import nn


class Engine:
    def __init__(self, model, lr=0.1):
        self.model = model
        self.opt = torch.optim.SGD(model.parameters(), lr=lr)
        self.crit = nn.CrossEntropyLoss()

    def forward(model, batch):
        inputs, targets = batch
        return model(inputs), targets

    def train_pass(self, trainset):
        self.model.train()
        for batch in trainset:
            out, tgt = Engine.forward(self.model, batch)
            loss = self.crit(out, tgt)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()

    def valid_pass(self, validset):
        self.model.eval()
        total = 0.0
        for batch in validset:
            out, tgt = Engine.forward(self.model, batch)  # expect: NG101@24
            total += self.crit(out, tgt).item()
        return total / len(validset)
