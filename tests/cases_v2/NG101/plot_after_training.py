import matplotlib.pyplot as plt
import torch
from torch import nn

xs = torch.linspace(-3, 3, 256).unsqueeze(1)
ys = torch.sin(xs) + 0.1 * torch.randn_like(xs)

f = nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 1))
opt = torch.optim.Adam(f.parameters(), lr=1e-2)
for step in range(2000):
    opt.zero_grad()
    loss = nn.functional.mse_loss(f(xs), ys)
    loss.backward()
    opt.step()

grid = torch.linspace(-4, 4, 400).unsqueeze(1)
fit = f(grid)  # expect: NG101@7
plt.scatter(xs.numpy(), ys.numpy(), s=4)
plt.plot(grid.numpy(), fit.detach().numpy(), color="red")
plt.savefig("fit.png")
