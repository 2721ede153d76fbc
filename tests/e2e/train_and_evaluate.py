"""A small training script with the evaluation mistakes people make (used by tests/test_end_to_end.py)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_data(seed, n=256):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 20, generator=generator)
    y = (x[:, :5].sum(dim=1) > 0).long()
    return [(x[i:i + 32], y[i:i + 32]) for i in range(0, n, 32)]


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    for x, y in loader:
        logits = model(x)
        correct += (logits.argmax(dim=1) == y).sum().item()
        total += y.numel()
    return correct / total


def train(model, train_loader, val_loader, epochs=2):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = []
    for epoch in range(epochs):
        model.train()
        total_loss = 0.0
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            total_loss += loss
        model.eval()
        val_loss = 0.0
        for x, y in val_loader:
            val_loss += F.cross_entropy(model(x), y).item()
        train_loss = total_loss / len(train_loader)
        print(f"epoch {epoch}: train {train_loss:.3f} val {val_loss / len(val_loader):.3f}")
        history.append((train_loss, val_loss))
    return history


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 2))
    history = train(model, make_data(1), make_data(2))
    return {"history": history, "accuracy": evaluate(model, make_data(3))}


if __name__ == "__main__":
    print(main())
