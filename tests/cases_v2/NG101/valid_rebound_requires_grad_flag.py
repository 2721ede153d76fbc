"""The helper's `grad` flag is replaced in its body when `explain` is set, so the `False` its
caller passes is not what reaches `requires_grad=`: the caller asks for inputs that require grad
(as code that asks for gradients on purpose does), and the flag it passes must not be read as the
literal the helper uses (a parameter the body rebinds is not the caller's literal)."""
import torch


def batch_for(rows, grad=False, explain=False):
    if explain:
        grad = True
    return torch.tensor(rows, requires_grad=grad)


def explained_scores(m, chunks):
    m.eval()
    total = 0.0
    for chunk in chunks:
        x = batch_for(chunk, False, True)
        total += m(x).sum().item()
    return total
