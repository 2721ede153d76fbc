import torch
import torch.nn.functional as F


def train(model, loader, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(epochs):
        # made afresh each epoch, but each batch's loss is backpropagated inside the batch loop:
        # the total keeps the history of every batch of the epoch
        total = 0.0
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss  # expect: NG102@22
        print(f"epoch {epoch}: {total / len(loader):.3f}")
