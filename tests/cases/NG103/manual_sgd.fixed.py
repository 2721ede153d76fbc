import torch


def sgd_step(model, lr):
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p -= lr * p.grad  # expect: NG103@13


def ema_update(ema, model, decay):
    with torch.no_grad():
        for ema_p, p in zip(ema.parameters(), model.parameters()):
            ema_p.mul_(decay).add_(p, alpha=1 - decay)  # expect: NG103@9


def reinit(model):
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "bias" in name:
                param.zero_()  # expect: NG103@13
