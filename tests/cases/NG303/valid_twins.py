import torch

CONTEXT = torch.no_grad()


def predict(model, x):
    context = torch.inference_mode()
    with context:
        return model(x)


if __name__ == "__main__":
    torch.set_grad_enabled(False)  # a bare set_grad_enabled statement does take effect
