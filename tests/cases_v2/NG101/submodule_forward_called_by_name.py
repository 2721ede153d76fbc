"""A metric function puts the VAE it is given in eval mode and encodes a whole dataset with
`vae.encoder.forward(xs)`, keeping only `.data`: a submodule's `forward` called by name is a
forward pass, as `vae.encoder(xs)` is, and records a graph nobody uses (round 36: five misses in
one repository). Its twin, the training step, backpropagates through the same call: silent."""
import torch


def mutual_info_metric(vae, loader, n, k):
    vae.eval()
    qz_params = torch.zeros(n, k)
    i = 0
    for xs in loader:
        qz_params[i:i + xs.size(0)] = vae.encoder.forward(xs).data  # expect: NG101@39
        i += xs.size(0)
    return qz_params.mean(0)


def train_step(vae, xs, optimizer):
    z = vae.encoder.forward(xs)
    loss = (vae.decoder.forward(z) - xs).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
