"""GAN code names its networks `netG` and `netD` (or `net_g`, `netD_A`): calls of them read as forward
passes, as `model(x)` does. Here the `no_grad` block only renames the noise, and the generator runs
after it: the samples it returns carry a graph its author meant not to record."""
import torch


def generate_image(netG, noise, batch_size, dim):
    with torch.no_grad():
        noisev = noise
    samples = netG(noisev)  # expect: NG101@15
    return samples.view(batch_size, 3, dim, dim) * 0.5 + 0.5


def generate_image_without_graph(net_g, noise, batch_size, dim):
    with torch.no_grad():
        samples = net_g(noise)
    return samples.view(batch_size, 3, dim, dim) * 0.5 + 0.5
