import torch


def sample(model, noise, exploration):
    with exploration("random") or torch.no_grad():  # expect: NG303@35
        return model(noise)
