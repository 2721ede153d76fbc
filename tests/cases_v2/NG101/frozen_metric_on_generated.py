import torch.nn.functional as F


def train_step(gen, disc, lpips_net, batch, opt_g, log):
    # lpips_net is frozen, but `fake` carries the generator's graph, so autograd records
    # every layer of lpips_net to reach the generator; `.detach()` then throws it away.
    lpips_net.requires_grad_(False)
    fake = gen(batch["lowres"])
    perceptual = lpips_net(fake, batch["hires"]).detach().mean()  # expect: NG101@18
    loss = F.l1_loss(fake, batch["hires"]) + 0.01 * F.softplus(-disc(fake)).mean()
    opt_g.zero_grad()
    loss.backward()
    opt_g.step()
    log({"loss": loss.item(), "lpips": perceptual.item()})
