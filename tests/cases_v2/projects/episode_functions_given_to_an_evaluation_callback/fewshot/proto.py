"""A prototypical-network episode: the forward always runs, the update only when training."""
import torch


def proto_episode(model, optimiser, loss_fn, x, y, train):
    if train:
        model.train()
        optimiser.zero_grad()
    else:
        model.eval()
    embeddings = model(x)
    prototypes = embeddings.view(5, -1, embeddings.shape[-1]).mean(1)
    distances = torch.cdist(embeddings, prototypes)
    loss = loss_fn(-distances, y)
    if train:
        loss.backward()
        optimiser.step()
    return loss, -distances
