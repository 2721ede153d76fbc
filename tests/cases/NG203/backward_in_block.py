import torch


def train(model, loader, optimizer, criterion):
    for x, y in loader:
        loss = criterion(model(x), y)
        with torch.inference_mode():
            loss.backward()  # expect: NG203@13
            optimizer.step()
