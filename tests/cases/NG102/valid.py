import torch
import torch.nn.functional as F


def train(model, loader, optimizer):
    total_loss = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
        seen = loss.detach()
    return total_loss


def accumulate_then_backward(model, loader, optimizer, criterion, steps):
    optimizer.zero_grad()
    total = 0
    for i, (x, y) in enumerate(loader):
        total += criterion(model(x), y) / steps
    total.backward()
    optimizer.step()


def elbo(model, guide, particles):
    loss = 0.0
    for _ in range(particles):
        loss_particle = model.log_prob() - guide.log_prob()
        loss = loss + loss_particle
    return loss


def collect(model, xs):
    outputs = []
    for x in xs:
        outputs.append(model(x))
    return torch.cat(outputs)


def count(model, loader):
    seen = 0
    for x, y in loader:
        out = model(x)
        seen += out.numel()
    print(seen)


@torch.no_grad()
def evaluate(model, loader, criterion):
    total = 0
    for x, y in loader:
        total += criterion(model(x), y)
    print(total)
