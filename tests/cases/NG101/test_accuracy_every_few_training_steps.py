import torch
from torch import nn


def train(net: nn.Module, loader, test_x, test_y, epochs=1):
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_func = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        for step, (b_x, b_y) in enumerate(loader):
            loss = loss_func(net(b_x), b_y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

            if step % 50 == 0:
                test_output = net(test_x)  # expect: NG101@31
                pred_y = torch.max(test_output, 1)[1].numpy()
                accuracy = float((pred_y == test_y.numpy()).sum()) / test_y.size(0)
                print(epoch, loss.item(), accuracy)
