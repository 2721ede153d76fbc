"""Twins of a runner whose loop compares its mode with `"train"` and an evaluation mode: one that
already enables gradients only for training, one whose test mode crafts adversarial inputs (a
backward pass outside the training branch: the mode needs gradients too), and one that compares
its mode with `"train"` alone (nothing says another mode runs the loop)."""
import torch
import torch.nn.functional as F


def run_gated(model, optimizer, batches, mode):
    total = 0.0
    for inp, lab in batches:
        with torch.set_grad_enabled(mode == "train"):
            loss = F.cross_entropy(model(inp), lab)
            if mode == "train":
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        if mode == "test":
            total += loss.item()
    return total


def run_robust(model, optimizer, batches, mode, eps=0.03):
    correct = 0
    for inp, lab in batches:
        inp = inp.clone().requires_grad_(True)
        loss = F.cross_entropy(model(inp), lab)
        if mode == "train":
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if mode == "test":
            grad, = torch.autograd.grad(loss, inp)
            adversarial = inp + eps * grad.sign()
            correct += (model(adversarial).argmax(1) == lab).sum().item()
    return correct


def run_train_only(model, optimizer, batches, mode):
    for inp, lab in batches:
        loss = F.cross_entropy(model(inp), lab)
        if mode == "train":
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
