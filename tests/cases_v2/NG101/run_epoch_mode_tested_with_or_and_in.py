import torch


class SimpleLossCompute:
    def __init__(self, generator, criterion):
        self.generator = generator
        self.criterion = criterion

    def __call__(self, x, y, norm):
        x = self.generator(x)
        loss = self.criterion(x.reshape(-1, x.size(-1)), y.reshape(-1)) / norm
        return loss.data * norm, loss


def run_epoch(loader, model, loss_compute, optimizer, mode="train"):
    total = 0.0
    for x, y in loader:
        out = model.forward(x)
        loss, loss_node = loss_compute(out, y, len(y))
        if mode == "train" or mode == "train+log":
            loss_node.backward()
            optimizer.step()
            optimizer.zero_grad()
        total += loss
    return total / len(loader)


def run_stage(loader, model, criterion, optimizer, stage):
    total = 0.0
    for x, y in loader:
        loss = criterion(model(x), y)
        if stage in ("fit", "finetune"):
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        total += loss.item()
    return total


def fit(model, train_loader, valid_loader, epochs):
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters())
    for _ in range(epochs):
        model.train()
        run_epoch(train_loader, model, SimpleLossCompute(model.generator, criterion), optimizer, mode="train")
        run_stage(train_loader, model, criterion, optimizer, "finetune")
        model.eval()
        print(run_epoch(valid_loader, model, SimpleLossCompute(model.generator, criterion), optimizer, mode="eval"))  # expect: NG101@15
        print(run_stage(valid_loader, model, criterion, optimizer, "test"))  # expect: NG101@15
