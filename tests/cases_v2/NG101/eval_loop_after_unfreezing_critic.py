"""A GAN step freezes the critic for the generator's update and thaws it for its own
(`p.requires_grad_(True)` on every parameter: training, not gradients wanted by evaluation); the
noise fed to the generator wants gradients inside the step that backpropagates. The validation
loop after them runs the thawed critic with gradients on and keeps only numbers."""
import numpy as np
import torch


def fit(critic, gen, loader, val_loader, iters):
    opt_c = torch.optim.Adam(critic.parameters(), lr=1e-4)
    opt_g = torch.optim.Adam(gen.parameters(), lr=1e-4)
    for it in range(iters):
        for p in critic.parameters():
            p.requires_grad_(False)
        for _ in range(2):
            noise = torch.randn(8, 4)
            noise.requires_grad_(True)
            g_loss = -critic(gen(noise)).mean()
            g_loss.backward()
        opt_g.step()
        for p in critic.parameters():
            p.requires_grad = True
        for x in loader:
            c_loss = critic(gen(torch.randn(8, 4)).detach()).mean() - critic(x).mean()
            opt_c.zero_grad()
            c_loss.backward()
            opt_c.step()
        if it % 100 == 0:
            costs = []
            for _, images in enumerate(val_loader):
                with torch.no_grad():
                    held_out = images
                scores = critic(held_out)  # expect: NG101@26
                costs.append(-scores.mean().cpu().data.numpy())
            print(np.mean(costs))
