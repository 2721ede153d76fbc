import torch
from torch import nn

gen = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 784))
critic = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 1))
gen_opt = torch.optim.Adam(gen.parameters())
critic_opt = torch.optim.Adam(critic.parameters())
fixed_z = torch.randn(16, 16)
snapshots = []
guarded_snapshots = []


def fit(loader, epochs):
    """After each epoch the generator, in eval mode, draws the fixed batch and the samples are
    kept: every epoch's graph stays alive with them."""
    for epoch in range(epochs):
        for real in loader:
            critic_opt.zero_grad()
            fake = gen(torch.randn(real.size(0), 16))
            critic_loss = critic(fake.detach()).mean() - critic(real).mean()
            critic_loss.backward()
            critic_opt.step()
            gen_opt.zero_grad()
            gen_loss = -critic(gen(torch.randn(real.size(0), 16))).mean()
            gen_loss.backward()
            gen_opt.step()
        gen.eval()
        drawn = gen(fixed_z)  # expect: NG101@17
        snapshots.append(drawn)
        gen.train()


def fit_guarded(loader, epochs):
    for epoch in range(epochs):
        for real in loader:
            gen_opt.zero_grad()
            gen_loss = -critic(gen(torch.randn(real.size(0), 16))).mean()
            gen_loss.backward()
            gen_opt.step()
        gen.eval()
        with torch.no_grad():
            guarded_snapshots.append(gen(fixed_z))
        gen.train()
