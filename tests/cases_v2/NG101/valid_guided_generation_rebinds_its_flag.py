"""Guided decoding: each step nudges the cached state along the gradient of an attribute loss,
once the state exists. Callers pass `past=None`, but the loop binds `past` again, so the branch
that backpropagates does run: the generation needs its graphs."""
import torch
import torch.nn.functional as F


def perturb_past(past, head, steps=3, stepsize=0.02):
    delta = torch.zeros_like(past, requires_grad=True)
    for _ in range(steps):
        loss = F.cross_entropy(head(past + delta), torch.zeros(past.shape[0], dtype=torch.long))
        loss.backward()
        delta = (delta - stepsize * delta.grad).detach().requires_grad_(True)
    return past + delta.detach()


def generate_guided(model, head, tokens, past=None, perturb=True, length=20):
    for _ in range(length):
        logits, hidden = model(tokens)
        if not perturb:
            pass
        elif past is not None:
            hidden = perturb_past(past, head)
        past = hidden
        logits = logits + head(hidden).mean()
        tokens = torch.cat([tokens, logits[:, -1:].argmax(-1)], dim=1)
    return tokens


def full_text_generation(model, head, prompt, num_samples=3):
    texts = []
    for _ in range(num_samples):
        texts.append(generate_guided(model=model, head=head, tokens=prompt, past=None, perturb=True))
    return texts


def run_example(model, head, prompt):
    model.eval()
    for param in model.parameters():
        param.requires_grad = False
    for text in full_text_generation(model, head, prompt):
        print(text.tolist())
