# nograd-verify: expect NG102
"""Training an LSTM sequence regressor while summing the loss tensors (the PyTorch FAQ case).

`total_loss += loss` adds the loss tensor itself, so `total_loss` becomes one autograd graph
that links every iteration's graph, and the returned epoch loss drags the whole epoch's graph
along. Each `loss.backward()` frees the tensors its graph saved, so memory hardly grows here:
what accumulates is the chain of graph nodes (see `ng102_loss_printout_mlp.py` for a loss summed
without backward, where every batch's activations stay in memory).
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class SequenceRegressor(nn.Module):
    def __init__(self, input_size=8, hidden_size=32):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x):
        output, _ = self.lstm(x)
        return self.head(output[:, -1]).squeeze(-1)


def make_loader(num_sequences=512, length=16, batch_size=32, seed=0):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(num_sequences, length, 8, generator=generator)
    targets = inputs[:, :, 0].cumsum(dim=1)[:, -1] / length
    return DataLoader(TensorDataset(inputs, targets), batch_size=batch_size)


def train_one_epoch(model, loader, optimizer, criterion):
    model.train()
    total_loss = 0.0
    for inputs, targets in loader:
        optimizer.zero_grad()
        predictions = model(inputs)
        loss = criterion(predictions, targets)
        loss.backward()
        optimizer.step()
        total_loss += loss
    return total_loss / len(loader)


def main():
    torch.manual_seed(0)
    model = SequenceRegressor()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    criterion = nn.MSELoss()
    epoch_loss = train_one_epoch(model, make_loader(), optimizer, criterion)
    return {"epoch_loss": epoch_loss, "weights": model.state_dict()}


if __name__ == "__main__":
    print("epoch loss", main()["epoch_loss"])
