"""A model file ends with the usual smoke test: `test()` builds an untrained network and runs it
once on `torch.randn(...)` (through `Variable`) to print the output's size. The graph is wasted,
but the function evaluates nothing: a shape check is low, below the default. Twin: `test_saved`
loads trained weights, calls `eval()` and runs them on an image read from disk, NG101."""
import torch
import torch.nn as nn
from torch.autograd import Variable
from torchvision.io import read_image


class Net(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear(8, classes)

    def forward(self, x):
        return self.fc(self.conv(x).mean((2, 3)))


def ResNet18():
    return Net(10)


def test():
    net = ResNet18()
    y = net(Variable(torch.randn(1, 3, 32, 32)))
    print(y.size())


def test_saved():
    net = ResNet18()
    net.load_state_dict(torch.load("net.pt"))
    net.eval()
    images = read_image("cat.png").float().unsqueeze(0)
    y = net(images)  # expect: NG101@9
    print(y.argmax(1).item())
