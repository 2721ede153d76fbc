import torch


def accumulate_and_step(model, micro_batches, opt, criterion):
    losses = [None] * len(micro_batches)
    for i, (x, y) in enumerate(micro_batches):
        with torch.no_grad():
            losses[i] = criterion(model(x), y)  # expect: NG201@35
    opt.zero_grad()
    torch.stack(losses).mean().backward()
    opt.step()
