import torch
import torch.nn.functional as F


def train_step(net, batch, opt, weights):
    losses = {}
    losses["seg"] = F.cross_entropy(net(batch["image"]), batch["mask"])
    with torch.no_grad():
        losses["depth"] = F.l1_loss(net.depth_head(batch["image"]), batch["depth"])  # expect: NG201@37
    total = sum(weights[k] * v for k, v in losses.items())
    opt.zero_grad()
    total.backward()  # runs, but the depth head never gets a gradient
    opt.step()
    return {k: v.item() for k, v in losses.items()}
