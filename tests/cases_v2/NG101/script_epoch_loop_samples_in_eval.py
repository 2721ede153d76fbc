import matplotlib.pyplot as plt
import torch
import torch.nn as nn

G = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 4))
D = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 1))
g_opt = torch.optim.Adam(G.parameters())
d_opt = torch.optim.Adam(D.parameters())
criterion = nn.BCEWithLogitsLoss()
fixed_z = torch.randn(16, 8)
samples = []


def show(kept):
    for i, drawn in enumerate(kept):
        plt.scatter(drawn[:, 0].detach(), drawn[:, 1].detach(), label=str(i))
    plt.show()


# A script's (or a notebook's) epoch loop: after the training steps of each epoch, the
# generator, put in eval mode, draws the fixed batch, and the samples are kept with their graphs.
for epoch in range(20):
    for real in torch.load("batches.pt"):
        d_opt.zero_grad()
        ones, zeros = torch.ones(real.size(0), 1), torch.zeros(real.size(0), 1)
        d_loss = criterion(D(real), ones) + criterion(D(G(torch.randn(real.size(0), 8)).detach()), zeros)
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad()
        g_loss = criterion(D(G(torch.randn(real.size(0), 8))), ones)
        g_loss.backward()
        g_opt.step()
    G.eval()
    samples_z = G(fixed_z)  # expect: NG101@17
    samples.append(samples_z)
    G.train()

show(samples)
