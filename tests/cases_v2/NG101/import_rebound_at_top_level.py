"""A script imports its `model` module, then binds the name `model` to the network it loads:
`evaluate` runs after that, so `model` there is the network (put in eval mode and run), not the
module."""
import torch

import model

corpus = torch.arange(100)


def evaluate(data, batch_size=10):
    model.eval()
    total = 0.0
    hidden = model.init_hidden(batch_size)
    for i in range(0, data.size(0) - 1, 35):
        output, hidden = model(data[i:i + 35], hidden)  # expect: NG101@26
        total += output.sum().item()
    return total


with open("best.pt", "rb") as f:
    model = torch.load(f)

print(evaluate(corpus))
