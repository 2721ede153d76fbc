import torch
import torch.nn.functional as F


def run_epoch(model, loader, optimizer, train):
    model.train(train)
    total = 0.0
    with torch.set_grad_enabled(train):
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            if train:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total += loss.item()
    return total / len(loader)


def run_epoch_unguarded(model, loader, optimizer, train):
    model.train(train)
    total = 0.0
    for x, y in loader:
        loss = F.cross_entropy(model(x), y)
        if train:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        total += loss.item()
    return total / len(loader)


def fit(model, train_loader, val_loader, optimizer, epochs):
    for epoch in range(epochs):
        train_loss = run_epoch(model, train_loader, optimizer, train=True)
        val_loss = run_epoch(model, val_loader, optimizer, train=False)
        run_epoch_unguarded(model, train_loader, optimizer, train=True)
        with torch.no_grad():
            val_loss = run_epoch_unguarded(model, val_loader, optimizer, train=False)
        print(f"{epoch}: train {train_loss:.3f} val {val_loss:.3f}")
