"""PGD with random restarts: each restart follows the input gradient (`delta.requires_grad =
True`, `loss.backward()`, `delta.grad`), then scores the perturbation it found with one more
forward pass whose output is only detached (`attack_pgd`) or only compared (`attack_pgd_l2`).
The function's backward passes train no model (no optimizer, only the input's gradient is
read), so those scoring passes record graphs for nothing: NG101 on each. Twins: the same attack
scoring under `no_grad` (`attack_pgd_scored_without_grad`), and a training step that scores the
batch it trains on (`train_step`: the model is trained here), silent."""
import torch
import torch.nn.functional as F


def attack_pgd(model, X, y, epsilon, alpha, attack_iters, restarts):
    max_loss = torch.zeros(y.shape[0])
    max_delta = torch.zeros_like(X)
    for _ in range(restarts):
        delta = torch.zeros_like(X).uniform_(-epsilon, epsilon)
        delta.requires_grad = True
        for _ in range(attack_iters):
            loss = F.cross_entropy(model(X + delta), y)
            loss.backward()
            grad = delta.grad.detach()
            delta.data = torch.clamp(delta + alpha * torch.sign(grad), -epsilon, epsilon)
            delta.grad.zero_()
        all_loss = F.cross_entropy(model(X + delta), y, reduction="none").detach()  # expect: NG101@36
        max_delta[all_loss >= max_loss] = delta.detach()[all_loss >= max_loss]
        max_loss = torch.max(max_loss, all_loss)
    return max_delta


def attack_pgd_l2(model, X, y, epsilon, alpha, attack_iters, restarts):
    max_loss = torch.zeros(y.shape[0])
    max_delta = torch.zeros_like(X)
    for _ in range(restarts):
        delta = torch.zeros_like(X).normal_().renorm(2, 0, epsilon)
        delta.requires_grad_()
        for _ in range(attack_iters):
            loss = F.cross_entropy(model(X + delta), y)
            loss.backward()
            step = delta.grad / delta.grad.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
            delta.data = (delta + alpha * step).renorm(2, 0, epsilon)
            delta.grad.zero_()
        all_loss = F.cross_entropy(model(X + delta), y, reduction="none")  # expect: NG101@36
        max_delta[all_loss >= max_loss] = delta.detach()[all_loss >= max_loss]
        max_loss = torch.max(max_loss, all_loss)
    return max_delta


def attack_pgd_scored_without_grad(model, X, y, epsilon, alpha, attack_iters, restarts):
    max_loss = torch.zeros(y.shape[0])
    max_delta = torch.zeros_like(X)
    for _ in range(restarts):
        delta = torch.zeros_like(X).uniform_(-epsilon, epsilon)
        delta.requires_grad = True
        for _ in range(attack_iters):
            loss = F.cross_entropy(model(X + delta), y)
            loss.backward()
            delta.data = torch.clamp(delta + alpha * torch.sign(delta.grad), -epsilon, epsilon)
            delta.grad.zero_()
        with torch.no_grad():
            all_loss = F.cross_entropy(model(X + delta), y, reduction="none")
        max_delta[all_loss >= max_loss] = delta.detach()[all_loss >= max_loss]
        max_loss = torch.max(max_loss, all_loss)
    return max_delta


def train_step(model, optimizer, X, y):
    loss = F.cross_entropy(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    accuracy = (model(X).detach().argmax(1) == y).float().mean()
    return loss.item(), accuracy.item()
