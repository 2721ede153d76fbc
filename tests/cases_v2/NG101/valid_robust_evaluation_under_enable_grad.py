"""A robust evaluation puts its whole loop under `with torch.enable_grad():` because each batch
runs a PGD attack that backpropagates to the input; the forward pass on the adversarial batch
after the attack needs no graph, but the author asked for gradients in that block on purpose:
at most low confidence, silent at the default."""
import torch
import torch.nn.functional as F


def pgd(model, x, y, eps=8 / 255, step=2 / 255, steps=10):
    adv = x.detach() + torch.empty_like(x).uniform_(-eps, eps)
    for _ in range(steps):
        adv.requires_grad_()
        loss = F.cross_entropy(model(adv), y)
        model.zero_grad()
        loss.backward()
        adv = (adv.detach() + step * adv.grad.sign()).clamp(x - eps, x + eps).clamp(0, 1)
    return adv


def eval_robust(model, test_loader):
    model.eval()
    correct = 0
    with torch.enable_grad():
        for x, y in test_loader:
            adv = pgd(model, x, y)
            output = model(adv)
            correct += output.argmax(1).eq(y).sum().item()
    return correct / len(test_loader.dataset)
