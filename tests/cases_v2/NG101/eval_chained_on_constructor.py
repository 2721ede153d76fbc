import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(32 * 13 * 13, 10)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


m = Net().eval()
m.load_state_dict(torch.load("mnist_cnn.pt", map_location="cpu"))

digits = torch.load("digits.pt")
pred = m(digits).argmax(dim=1)  # expect: NG101@8
print("predicted:", pred.tolist())
