import torch
import torch.nn.functional as F


def train_step(net, teacher, batch, opt, weights):
    losses, metrics = {}, {}
    out = net(batch["image"])
    losses["seg"] = F.cross_entropy(out, batch["mask"])
    with torch.no_grad():
        target = teacher(batch["image"]).softmax(1)
        metrics["pixel_acc"] = (out.argmax(1) == batch["mask"]).float().mean()
    losses["kd"] = F.kl_div(out.log_softmax(1), target, reduction="batchmean")
    total = sum(weights[k] * v for k, v in losses.items())
    opt.zero_grad()
    with torch.no_grad():
        total.backward()  # the loss was computed with gradients on: this works
    opt.step()
    return {k: v.item() for k, v in {**losses, **metrics}.items()}


def accumulate_and_step(model, micro_batches, opt, criterion):
    losses = [None] * len(micro_batches)
    for i, (x, y) in enumerate(micro_batches):
        losses[i] = criterion(model(x), y)
    opt.zero_grad()
    torch.stack(losses).mean().backward()
    opt.step()
