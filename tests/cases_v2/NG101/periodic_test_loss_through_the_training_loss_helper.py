import torch
from torch import nn


def denoising_score_loss(score, samples, sigma=0.01):
    perturbed = samples + torch.randn_like(samples) * sigma
    target = -(perturbed - samples) / sigma**2
    return 0.5 * ((score(perturbed) - target) ** 2).sum(-1).mean()


def train(loader, test_loader, steps):
    # Every 100 steps the test loss goes through the training loss's own helper, and only its
    # value is printed: the helper runs the score network with gradients on for nothing.
    score = nn.Sequential(nn.Linear(2, 128), nn.Softplus(), nn.Linear(128, 2))
    optimizer = torch.optim.Adam(score.parameters(), lr=1e-3)
    test_iter = iter(test_loader)
    for step, x in enumerate(loader):
        loss = denoising_score_loss(score, x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 0:
            test_x = next(test_iter)
            test_loss = denoising_score_loss(score, test_x)  # expect: NG101@25
            print(step, loss.item(), test_loss.item())
        if step >= steps:
            break
