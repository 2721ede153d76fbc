import torch
import torch.nn.functional as F


def adversarial_training_epoch(model, loader, optimizer, eps=8 / 255, steps=10):
    # The forward pass on the adversarial examples after the attack is the training step's: its
    # graph is backpropagated and the optimizer steps.
    def attack(x, y):
        x_adv = x.clone().requires_grad_(True)
        for _ in range(steps):
            (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), y), [x_adv])
            x_adv = (x_adv + eps / steps * grad.sign()).clamp(x - eps, x + eps).detach().requires_grad_(True)
        return x_adv.detach()

    model.train()
    for x, y in loader:
        x_adv = attack(x, y)
        loss = F.cross_entropy(model(x_adv), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def refine_then_evaluate(model, loader, steps=10):
    # The statements after the helper keep the outputs for the caller, which may differentiate
    # them: not an evaluation this function can show.
    def refine(x):
        x = x.clone().requires_grad_(True)
        for _ in range(steps):
            (grad,) = torch.autograd.grad(model(x).sum(), [x])
            x = (x + 0.01 * grad).detach().requires_grad_(True)
        return x.detach()

    outputs = []
    for x, _ in loader:
        outputs.append(model(refine(x)))
    return outputs


def evaluate_robustness_without_graphs(model, loader, eps=8 / 255, steps=10):
    # Twin: the evaluation after the attack is already under no_grad.
    def perturb(x, y):
        x_adv = x.clone().requires_grad_(True)
        for _ in range(steps):
            (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), y), [x_adv])
            x_adv = (x_adv + eps / steps * grad.sign()).clamp(x - eps, x + eps).detach().requires_grad_(True)
        return x_adv.detach()

    correct = 0
    for x, y in loader:
        x_adv = perturb(x, y)
        with torch.no_grad():
            logits = model(x_adv)
            correct += (logits.argmax(1) == y).sum().item()
    return correct / len(loader.dataset)
