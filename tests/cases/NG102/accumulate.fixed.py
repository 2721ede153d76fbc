import torch
import torch.nn.functional as F


def train(model, loader, optimizer):
    total_loss = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        total_loss += loss.item()  # expect: NG102@23
    print(f"mean loss {total_loss / len(loader):.4f}")


def train_returning_total(model, loader, optimizer, criterion):
    running = 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        running = running + loss.detach() * x.size(0)  # expect: NG102@29
    return running / len(loader.dataset)


def log_losses(model, batches, criterion, logger):
    history = []
    for x, y in batches:
        loss = criterion(model(x), y)
        loss.backward()
        history.append(loss.item())  # expect: NG102@24
    logger.info("losses: %s", history)
