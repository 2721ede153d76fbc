"""A style-transfer script freezes the encoder's stages by name (`for param in getattr(network,
name).parameters(): param.requires_grad = False`) and trains the decoder: a receiver with no
dotted name is frozen without a key, and the analysis goes on (it stopped with an internal error
when such a freeze was read as a field's field). Nothing evaluates: silent."""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc_1 = nn.Conv2d(3, 8, 3)
        self.enc_2 = nn.Conv2d(8, 8, 3)
        self.decoder = nn.Conv2d(8, 3, 3)
        for name in ["enc_1", "enc_2"]:
            for param in getattr(self, name).parameters():
                param.requires_grad = False

    def forward(self, x):
        return self.decoder(self.enc_2(self.enc_1(x)))


network = Net()
optimizer = torch.optim.Adam(network.decoder.parameters(), lr=1e-4)
for images in [torch.randn(2, 3, 16, 16)]:
    loss = network(images).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
