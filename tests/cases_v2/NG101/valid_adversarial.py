"""Adversarial examples need gradients with respect to the input, in eval mode."""
import torch
import torch.nn.functional as F


def fgsm(model, x, y, eps):
    model.eval()
    x = x.clone().requires_grad_()
    F.cross_entropy(model(x), y).backward()
    return (x + eps * x.grad.sign()).clamp(0, 1).detach()


def pgd(m, x, y, eps=8 / 255, alpha=2 / 255, steps=10):
    m.eval()
    x_adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        x_adv.requires_grad_(True)
        loss = F.cross_entropy(m(x_adv), y)
        grad, = torch.autograd.grad(loss, x_adv)
        x_adv = torch.min(torch.max(x_adv.detach() + alpha * grad.sign(), x - eps), x + eps).clamp(0, 1)
    return x_adv


def robust_accuracy(m, test_loader):
    m.eval()
    correct = 0
    for x, y in test_loader:
        x_adv = pgd(m, x, y)
        with torch.no_grad():
            correct += (m(x_adv).argmax(1) == y).sum().item()
    return correct / len(test_loader.dataset)
