import torch

from model import Recommender
from metrics import *

net = Recommender(100)
opt = torch.optim.Adam(net.parameters())
for epoch in range(3):
    net.train()
    loss = net([1, 2, 3])
    opt.zero_grad()
    loss.backward()
    opt.step()
    net.eval()
    print(hit_rate(net, [([1, 2], 3, [3, 4, 5])]))
