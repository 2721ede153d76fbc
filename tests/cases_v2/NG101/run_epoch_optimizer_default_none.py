import torch


def run_epoch(f, rows, optimizer=None):
    total = 0.0
    for x, y in rows:
        loss = torch.nn.functional.cross_entropy(f(x), y)
        if optimizer is not None:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        total += loss.item()
    return total / len(rows)


def fit(f, train_rows, val_rows, epochs):
    optimizer = torch.optim.SGD(f.parameters(), lr=0.1)
    for epoch in range(epochs):
        print(run_epoch(f, train_rows, optimizer))
        print(run_epoch(f, val_rows))  # expect: NG101@15
