"""A mean-teacher trainer detaches every parameter of its averaged copy in place in `__init__`
(`for param in self.model_ema.parameters(): param.detach_()`), which leaves them leaves that
no longer require grad, then runs the copy on each batch for targets: a frozen module on plain
inputs records nothing, silent. Twin: `LooseTeacher` leaves its copy's parameters alone, and
the same targets record a graph only to detach it, NG101."""
import torch.nn.functional as F


class MeanTeacher:
    def __init__(self, model, model_ema, optimizer, loader):
        self.model = model
        self.model_ema = model_ema
        self.optimizer = optimizer
        self.loader = loader
        for param in self.model_ema.parameters():
            param.detach_()

    def train_epoch(self):
        self.model.train()
        for data, target in self.loader:
            output = self.model(data)
            teacher = self.model_ema(data).detach()
            loss = F.mse_loss(output.softmax(1), teacher.softmax(1)) + F.cross_entropy(output, target)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()


class LooseTeacher:
    def __init__(self, model, model_ema, optimizer, loader):
        self.model = model
        self.model_ema = model_ema
        self.optimizer = optimizer
        self.loader = loader

    def train_epoch(self):
        self.model.train()
        for data, target in self.loader:
            output = self.model(data)
            teacher = self.model_ema(data).detach()  # expect: NG101@23
            loss = F.mse_loss(output.softmax(1), teacher.softmax(1)) + F.cross_entropy(output, target)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
