import torch


def embed(model, x):
    torch.set_grad_enabled(False)  # expect: NG304@5
    # the whole forward pass
    features = model.backbone(x)
    return features.mean(1)


def careful(model, x):
    previous = torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    out = model(x)
    torch.set_grad_enabled(previous)
    return out
