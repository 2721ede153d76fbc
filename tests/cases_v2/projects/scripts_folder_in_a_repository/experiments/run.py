import torch

from scoring import recall_at_k

net = torch.nn.Sequential(torch.nn.Embedding(100, 8), torch.nn.Flatten(0), torch.nn.LazyLinear(100))
opt = torch.optim.Adam(net.parameters())
users = [(torch.tensor([1, 2]), 3)]
for epoch in range(3):
    net.train()
    loss = net(torch.tensor([1, 2])).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    net.eval()
    print(recall_at_k(net, users))
