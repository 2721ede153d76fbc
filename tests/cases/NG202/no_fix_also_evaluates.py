import torch


@torch.no_grad()  # expect: NG202@2
def step(model, optimizer, criterion, x, y, val_x, val_y):
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    model.eval()
    accuracy = (model(val_x).argmax(1) == val_y).float().mean()
    model.train()
    return accuracy
