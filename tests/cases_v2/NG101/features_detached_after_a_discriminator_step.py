"""A super-resolution GAN's step: the discriminator is trained first, then the generator with a
content loss against the features of the real images. The feature extractor (a pretrained
network in eval mode, in no optimizer) runs on the real images with gradients on, and its
output is detached at once: its graph is thrown away at every step. NG101 at that statement,
although a backward pass ran before it and its own pass on the generated images carries the
generator's gradient (not a model this step trains)."""
import torch
import torch.nn.functional as F


def train_step(generator, discriminator, feature_extractor, optimizer_g, optimizer_d, low_res, high_res):
    feature_extractor.eval()
    optimizer_d.zero_grad()
    d_loss = discriminator(generator(low_res).detach()).mean() - discriminator(high_res).mean()
    d_loss.backward()
    optimizer_d.step()

    optimizer_g.zero_grad()
    fake = generator(low_res)
    real_features = feature_extractor(high_res).detach()  # expect: NG101@21
    g_loss = F.l1_loss(feature_extractor(fake), real_features) - discriminator(fake).mean()
    g_loss.backward()
    optimizer_g.step()
    return g_loss.item()
