import torch


def penalty_inside(critic, real):
    real.requires_grad_(True)
    scores = critic(real)
    with torch.no_grad():
        return torch.autograd.grad(scores.sum(), real, create_graph=True)  # expect: NG201@36
