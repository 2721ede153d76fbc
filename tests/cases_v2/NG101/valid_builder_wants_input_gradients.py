import torch
import torch.nn as nn


def attributable(images):
    # the caller needs gradients with respect to these inputs
    return images.clone().requires_grad_(True)


net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
net.load_state_dict(torch.load("net.pt"))
net.eval()
inputs = attributable(torch.randn(8, 16))
scores = net(inputs)
print(scores.argmax(1).tolist())
