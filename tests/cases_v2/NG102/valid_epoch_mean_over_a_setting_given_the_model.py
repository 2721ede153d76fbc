"""A training epoch is given the model and runs it; what it returns is a number: the sum of
`loss.item()` times a setting the analysis cannot value (`batch_size` from the command line).
The history of those numbers keeps no graph, though the model passed in was run."""
import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--batch_size", type=int, default=64)


def train(net, data_loader, train_optimizer):
    net.train()
    total_loss, total_num = 0.0, 0
    for inputs, targets in data_loader:
        loss = torch.nn.functional.cross_entropy(net(inputs), targets)
        train_optimizer.zero_grad()
        loss.backward()
        train_optimizer.step()
        total_num += batch_size
        total_loss += loss.item() * batch_size
    return total_loss / total_num


if __name__ == "__main__":
    args = parser.parse_args()
    batch_size = args.batch_size
    model = torch.nn.Linear(8, 2)
    optimizer = torch.optim.Adam(model.parameters())
    loader = [(torch.rand(batch_size, 8), torch.randint(0, 2, (batch_size,))) for _ in range(4)]
    results = {"train_loss": []}
    for epoch in range(10):
        train_loss = train(model, loader, optimizer)
        results["train_loss"].append(train_loss)
