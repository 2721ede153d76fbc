import torch
import torch.nn as nn

G = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 4))
D = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 1))
g_opt = torch.optim.Adam(G.parameters())
criterion = nn.BCEWithLogitsLoss()
fixed_z = torch.randn(16, 8)
samples = []
history = []

# Twin: the samples are drawn under no_grad; a forward pass after the training steps of an
# epoch without eval mode (a metric of training) starts no run in a loop's body.
for epoch in range(20):
    for real in torch.load("batches.pt"):
        g_opt.zero_grad()
        g_loss = criterion(D(G(torch.randn(real.size(0), 8))), torch.ones(real.size(0), 1))
        g_loss.backward()
        g_opt.step()
    history.append(criterion(D(G(fixed_z)), torch.ones(16, 1)).item())
    G.eval()
    with torch.no_grad():
        samples.append(G(fixed_z))
    G.train()

torch.save(samples, "samples.pt")
