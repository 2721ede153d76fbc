"""Training."""
import torch
import torch.nn as nn

from trainer.utils import save_checkpoint


def train(model: nn.Module, loader, directory, steps, rank=0):
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-5)
    step = 0
    for step, (x, y) in enumerate(loader):
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 1000 == 0:
            save_checkpoint(model, directory, step)
        if step == steps:
            break
    if rank < 1:
        print("done")
        path = save_checkpoint(model, directory, step, final=True)
        return path
