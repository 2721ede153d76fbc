"""LPIPS is a network: its linear heads have parameters that require gradients (lpips 0.1.4), so
a metric script's loop over image pairs records a graph at every call, whatever the images are
and however the metric is named (`loss_fn_vgg`, as its README spells it). The script keeps
every distance in a list: NG101. The twins: the same metric under `no_grad`, and a perceptual
loss that trains a generator."""
import lpips
import torch

loss_fn_vgg = lpips.LPIPS(net="vgg")


@torch.no_grad()
def lpips_scores_without_grad(pairs):
    return [loss_fn_vgg(fake, real).item() for fake, real in pairs]


def train_generator(generator, optimizer, batches):
    for noise, target in batches:
        loss = loss_fn_vgg(generator(noise), target).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


distances = []
for index in range(150):
    recon = torch.load(f"recon/{index:05d}.pt")
    label = torch.load(f"label/{index:05d}.pt")
    distances.append(loss_fn_vgg(recon * 2 - 1, label * 2 - 1))  # expect: NG101@22
print(sum(distances) / len(distances))
