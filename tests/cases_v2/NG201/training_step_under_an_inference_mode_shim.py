import torch

# `inference_mode` appeared in torch 1.9; older releases fall back to `no_grad`
inference_mode = getattr(torch, "inference_mode", torch.no_grad)


def train_step(net, optimizer, x, y):
    with inference_mode():
        loss = torch.nn.functional.mse_loss(net(x), y)  # expect: NG201@45
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
