"""Twins of a detached loss near a backward pass: the teacher's maps detached inside the loss (the
fix), detached losses summed for logging only, `loss - loss.detach()` (a value shift that keeps
the gradient), a detached loss as an uncertainty weight of another loss that carries a graph,
and a detached loss of a model no optimizer of the function steps."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def train_step(student, teacher, optimizer, images, labels, beta=500.0):
    maps_s, logits = student(images)
    maps_t, _ = teacher(images)
    cls_loss = F.cross_entropy(logits, labels)
    at_loss = F.mse_loss(maps_s, maps_t.detach()) * beta
    loss = cls_loss + at_loss
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    logged = cls_loss.detach() + at_loss.detach()
    return logged.item()


def shifted_step(model, optimizer, x, y, reported):
    loss = F.mse_loss(model(x), y)
    shifted = loss - loss.detach() + reported
    optimizer.zero_grad()
    shifted.backward()
    optimizer.step()


def weighted_step(model, optimizer, x, y, z):
    out = model(x)
    first = F.mse_loss(out, y)
    second = F.l1_loss(out, z)
    loss = first + first.detach() * second
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def probe_step(model, probe, optimizer, x, y):
    probe_loss = F.cross_entropy(probe(x), y)
    loss = F.mse_loss(model(x), x) + probe_loss.detach()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def fit(model, probe, loader):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for x, y in loader:
        probe_step(model, probe, optimizer, x, y)
