import torch


def train(model, loader, optimizer, criterion, history):
    for x, y in loader:
        with torch.no_grad():
            logits = model(x)  # expect: NG201@22
            history.append(logits.argmax(1))
        loss = criterion(logits, y)
        loss.backward()
        optimizer.step()
