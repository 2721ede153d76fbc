"""A GAN's running average of the generator: a helper of the file sets `requires_grad` of every
parameter from its flag. Frozen first (`toggle_grad(..., False)`), the in-place copy is allowed
and records nothing; thawed (`toggle_grad(..., True)`), it is the mistake again."""
import torch


def toggle_grad(model, requires_grad):
    for p in model.parameters():
        p.requires_grad_(requires_grad)


def set_trainable(model, flag=True):
    for p in model.parameters():
        p.requires_grad = flag


def update_average(model_tgt, model_src, beta):
    toggle_grad(model_src, False)
    toggle_grad(model_tgt, requires_grad=False)
    source = dict(model_src.named_parameters())
    for name, p_tgt in model_tgt.named_parameters():
        p_tgt.copy_(beta * p_tgt + (1.0 - beta) * source[name])


def update_average_frozen_by_assignment(target, source, beta):
    set_trainable(target, False)
    for p_tgt, p_src in zip(target.parameters(), source.parameters()):
        p_tgt.mul_(beta).add_(p_src, alpha=1.0 - beta)


def update_average_thawed(model_tgt, model_src, beta):
    toggle_grad(model_tgt, True)
    with torch.no_grad():
        for p_tgt, p_src in zip(model_tgt.parameters(), model_src.parameters()):
            p_tgt.copy_(beta * p_tgt + (1.0 - beta) * p_src)  # expect: NG103@9


def update_average_nested_helper(model_tgt, model_src, beta):
    def toggle(model, flag):
        for p in model.parameters():
            p.requires_grad_(flag)

    toggle(model_tgt, False)
    for p_tgt, p_src in zip(model_tgt.parameters(), model_src.parameters()):
        p_tgt.copy_(beta * p_tgt + (1.0 - beta) * p_src)
