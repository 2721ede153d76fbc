"""Gradient accumulation: each step splits its batch into chunks, backpropagates each chunk's
loss and adds it to a total that is logged and reset at the next step. Each graph is consumed by
its own `backward()` and the total lives one step: nothing builds up, silent (twin:
losses_summed_over_the_whole_run_after_backward.py)."""
import torch
from torch import nn


def train(model, loader, optimizer, chunks=4):
    model.train()
    for batch in loader:
        optimizer.zero_grad()
        total_loss = 0.0
        for x, y in zip(batch["x"].chunk(chunks), batch["y"].chunk(chunks)):
            loss = nn.functional.mse_loss(model(x), y) / chunks
            total_loss += loss
            loss.backward()
        optimizer.step()
        print("loss", float(total_loss))

