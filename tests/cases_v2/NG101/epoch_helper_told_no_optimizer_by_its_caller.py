"""A shared epoch helper trains only when it is given an optimizer: `training = optim is not None`
decides its `if training:` branch. The validation call passes `optim=None`, so that call runs the
model over the whole loader without training and is reported there; the training call
backpropagates: silent."""
import torch


def do_epoch(model, dataloader, criterion, optim=None):
    training = optim is not None
    total_loss = 0.0
    model.train() if training else model.eval()
    for x, y_true in dataloader:
        y_pred = model(x)
        loss = criterion(y_pred, y_true)
        if training:
            optim.zero_grad()
            loss.backward()
            optim.step()
        total_loss += float(loss)
    return total_loss / len(dataloader)


def main(model, train_loader, val_loader, epochs):
    optim = torch.optim.Adam(model.parameters())
    criterion = torch.nn.CrossEntropyLoss()
    for epoch in range(epochs):
        train_loss = do_epoch(model, train_loader, criterion, optim=optim)
        val_loss = do_epoch(model, val_loader, criterion, optim=None)  # expect: NG101@20
        print(epoch, train_loss, val_loss)
