"""Deep-image-prior style script: `get_params` may make the input a parameter (it sets
`requires_grad`), `optimize` steps an optimizer over what the closure backpropagates, and the
final output is computed once more for display, with gradients on."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def get_params(spec, net, net_input):
    params = []
    for part in spec.split(","):
        if part == "net":
            params += list(net.parameters())
        elif part == "input":
            net_input.requires_grad = True
            params.append(net_input)
    return params


def optimize(params, closure, lr, num_iter):
    optimizer = torch.optim.Adam(params, lr=lr)
    for _ in range(num_iter):
        optimizer.zero_grad()
        closure()
        optimizer.step()


net = nn.Sequential(nn.Conv2d(32, 3, 3, padding=1), nn.Sigmoid())
net_input = torch.rand(1, 32, 64, 64)
target = torch.rand(1, 3, 64, 64)


def closure():
    loss = F.mse_loss(net(net_input), target)
    loss.backward()
    return loss


p = get_params("net", net, net_input)
optimize(p, closure, 0.01, 100)
restored = net(net_input).detach().cpu().numpy()[0]  # expect: NG101@12
print(restored.mean())
