import torch
import torch.nn.functional as F


def fit(model, optimizer, train_loader, val_loader, epochs):
    for epoch in range(epochs):
        model.train()
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
        model.eval()
        val_loss = 0.0
        with torch.no_grad():
            for x, y in val_loader:
                # comments inside the loop survive the fix
                val_loss += F.cross_entropy(model(x), y).item()  # expect: NG101@41
        print(f"epoch {epoch}: val loss {val_loss / len(val_loader):.3f}")
