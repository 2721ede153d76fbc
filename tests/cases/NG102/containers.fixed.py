import torch


def train_returning_history(model, loader, optimizer, criterion):
    losses = []
    for x, y in loader:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())  # expect: NG102@23
    return losses


def train_into_dict(model, loader, optimizer, criterion, history):
    for x, y in loader:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        history["loss"].append(loss.detach())  # expect: NG102@32


class Trainer:
    def fit(self, loader):
        for x, y in loader:
            self.optimizer.zero_grad()
            loss = self.criterion(self.model(x), y)
            loss.backward()
            self.optimizer.step()
            self.losses.append(loss.detach())  # expect: NG102@32


def train_collecting_outputs(model, loader, optimizer, criterion):
    outputs = []
    for x, y in loader:
        optimizer.zero_grad()
        logits = model(x)
        loss = criterion(logits, y)
        loss.backward()
        optimizer.step()
        outputs.append(logits)
    return outputs


def accumulate_then_backward(model, loader, optimizer, criterion):
    optimizer.zero_grad()
    losses = []
    for x, y in loader:
        losses.append(criterion(model(x), y))
    torch.stack(losses).mean().backward()
    optimizer.step()


def train_stacked_backward(model, loader, optimizer, criterion, steps):
    optimizer.zero_grad()
    losses = []
    for x, y in loader:
        loss = criterion(model(x), y)
        losses.append(loss)
    torch.stack(losses).sum().backward()
    optimizer.step()
