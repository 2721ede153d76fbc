import torch
import torch.nn as nn


def sync_gradients(module):
    # gradient all-reduce hooks: they fire only if a backward pass ever runs
    for param in module.parameters():
        if param.requires_grad:
            param.register_hook(lambda grad: grad / 2)
    return module


def build(distributed):
    net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    if distributed:
        net = sync_gradients(net)
    return net


net = build(distributed=True)
net.load_state_dict(torch.load("net.pt"))
_ = net.eval()
scores = net(torch.randn(8, 16))  # expect: NG101@10
print(scores.argmax(1).tolist())
