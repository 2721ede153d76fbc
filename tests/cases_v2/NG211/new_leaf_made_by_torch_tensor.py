"""A training epoch masks the predictions in NumPy and hands the loss fresh tensors made with
`torch.tensor(..., requires_grad=True)` (the labels too, so both sides "require grad" and
`backward()` stops raising): the prediction's leaf is made of the model's outputs through
`.detach().numpy()`, so the gradient stops there and `optimizer.step()` trains nothing (a
classifier that never learns, fixed upstream by masking the tensors themselves)."""
import numpy as np
import torch
from torch import nn


def train_epoch(model, batches, pad=-1):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    model.train()
    for x, labels in batches:
        optimizer.zero_grad()
        pred = torch.sigmoid(model(x))
        mask = labels.numpy()[0] != pad
        kept_pred = pred.detach().numpy()[0][mask]
        kept_labels = labels.numpy()[0][mask]
        loss = loss_fn(torch.tensor(kept_pred, requires_grad=True).float(),  # expect: NG211@24
                       torch.tensor(kept_labels, requires_grad=True).float())
        loss.backward()
        optimizer.step()


def fit_latent(generator, target, steps=100):
    """The twin: a latent made a leaf on purpose and optimized by its own optimizer."""
    latent = torch.tensor(np.random.randn(1, 64).astype(np.float32), requires_grad=True)
    optimizer = torch.optim.Adam([latent], lr=1e-2)
    for _ in range(steps):
        loss = nn.functional.mse_loss(generator(latent), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return latent.detach()
