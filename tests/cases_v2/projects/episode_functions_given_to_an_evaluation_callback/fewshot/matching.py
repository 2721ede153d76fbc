"""A matching-network episode: the forward always runs, the update only when training."""
import torch


def matching_episode(model, optimiser, loss_fn, x, y, train):
    model.train(train)
    if train:
        optimiser.zero_grad()
    support, queries = model(x).chunk(2)
    attention = torch.softmax(queries @ support.T, dim=1)
    loss = loss_fn(attention, y[: len(queries)])
    if train:
        loss.backward()
        optimiser.step()
    return loss, attention
