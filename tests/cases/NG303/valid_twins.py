import torch

torch.set_grad_enabled(False)
CONTEXT = torch.no_grad()


def predict(model, x):
    context = torch.inference_mode()
    with context:
        return model(x)
