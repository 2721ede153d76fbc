import torch
from torch import nn


def train(net: nn.Module, loader, epochs=1, every=16):
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_func = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for step, (b_x, b_y) in enumerate(loader):
            loss = loss_func(net(b_x), b_y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

            if step % every == 0:
                # lazy regularisation: a gradient penalty every few steps, backpropagated
                b_x.requires_grad_(True)
                scores = net(b_x)
                grad, = torch.autograd.grad(scores.sum(), b_x, create_graph=True)
                penalty = grad.pow(2).sum(1).mean()
                print(epoch, penalty.item())
                optimizer.zero_grad()
                penalty.backward()
                optimizer.step()
