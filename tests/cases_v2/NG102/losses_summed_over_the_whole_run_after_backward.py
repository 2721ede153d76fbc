"""Twin of chunk_losses_summed_per_step_and_backpropagated.py: one total for the whole run,
each loss backpropagated and then added to it: the total holds the history of every step, NG102."""
import torch
from torch import nn


def train_leaky(model, loader, optimizer):
    model.train()
    total_loss = 0.0
    for batch in loader:
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(batch["x"]), batch["y"])
        total_loss += loss  # expect: NG102@23
        loss.backward()
        optimizer.step()
    print("mean loss", float(total_loss) / len(loader))
