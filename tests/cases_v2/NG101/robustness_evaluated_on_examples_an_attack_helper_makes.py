import torch
import torch.nn.functional as F


def evaluate_robustness(model, loader, eps=8 / 255, steps=10):
    # The attack (a closure, as evaluation scripts often write it) must run with gradients on; the
    # forward pass on what it returns need not: the statements after it are the evaluation.
    def attack(x, y):
        x_adv = x.clone().requires_grad_(True)
        for _ in range(steps):
            (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), y), [x_adv])
            x_adv = (x_adv + eps / steps * grad.sign()).clamp(x - eps, x + eps).detach().requires_grad_(True)
        return x_adv.detach()

    correct, losses = 0, []
    for x, y in loader:
        x_adv = attack(x, y)
        logits = model(x_adv)  # expect: NG101@18
        correct += (logits.argmax(1) == y).sum().item()
        losses.append(F.cross_entropy(logits, y).item())
    return correct / len(loader.dataset), sum(losses) / len(losses)

