import torch


def step(model, x, y, criterion):
    # The forward pass runs with gradients on; backward() under no_grad works.
    loss = criterion(model(x), y)
    with torch.no_grad():
        loss.backward()


def gradient_penalty(critic, real):
    real.requires_grad_(True)
    total = critic(real).sum()
    with torch.no_grad():
        grads = torch.autograd.grad(total, real, create_graph=True)
    return grads
