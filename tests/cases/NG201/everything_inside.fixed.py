import torch


def train_step(model, optimizer, criterion, batch):
    inputs, labels = batch
    optimizer.zero_grad()
    outputs = model(inputs)  # expect: NG201@19
    loss = criterion(outputs, labels)
    loss.backward()
    optimizer.step()
    return loss.item()
